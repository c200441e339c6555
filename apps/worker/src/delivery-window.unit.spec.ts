import { DeliveryWindow } from './delivery-window';

/** A delivery the test finishes by hand. */
function manual() {
  let finish!: (delivered: boolean) => void;
  const started = jest.fn();
  const deliver = () => {
    started();
    return new Promise<boolean>((resolve) => (finish = resolve));
  };
  return { deliver, started, finish: (delivered = true) => finish(delivered) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryWindow', () => {
  it('delivers different cases at once, and one case in order', async () => {
    const window = new DeliveryWindow(8, async () => {});
    const [a1, b1, a2] = [manual(), manual(), manual()];
    await window.push('case-a', 1, a1.deliver);
    await window.push('case-b', 2, b1.deliver);
    await window.push('case-a', 3, a2.deliver);
    await settle();
    expect([a1.started, b1.started, a2.started].map((started) => started.mock.calls.length)).toEqual([1, 1, 0]);
    a1.finish();
    await settle();
    expect(a2.started).toHaveBeenCalledTimes(1);
  });

  it('moves the checkpoint only past positions whose every predecessor is delivered', async () => {
    const saved: number[] = [];
    const window = new DeliveryWindow(8, async (position) => void saved.push(position));
    const [first, second, third] = [manual(), manual(), manual()];
    await window.push('case-a', 10, first.deliver);
    await window.push('case-b', 11, second.deliver);
    await window.push('case-c', 12, third.deliver);
    second.finish();
    third.finish();
    await settle();
    expect(saved).toEqual([]);
    first.finish();
    await window.drain();
    expect(saved).toEqual([12]);
  });

  it('saves the latest position passed once per interval, not once per delivery', async () => {
    const saved: number[] = [];
    const window = new DeliveryWindow(8, async (position) => void saved.push(position), 50);
    const deliveries = [manual(), manual(), manual()];
    for (const [index, delivery] of deliveries.entries()) await window.push(`case-${index}`, index + 1, delivery.deliver);
    for (const delivery of deliveries) {
      delivery.finish();
      await settle();
    }
    await window.drain();
    expect(saved).toEqual([3]);
  });

  it('does not pass a delivery that gave up, so it is delivered again after a restart', async () => {
    const saved: number[] = [];
    const window = new DeliveryWindow(8, async (position) => void saved.push(position));
    const [given, abandoned, later] = [manual(), manual(), manual()];
    await window.push('case-a', 1, given.deliver);
    await window.push('case-b', 2, abandoned.deliver);
    await window.push('case-c', 3, later.deliver);
    given.finish();
    abandoned.finish(false);
    later.finish();
    await window.drain();
    expect(saved).toEqual([1]);
  });

  it('makes the next push wait while the window is full', async () => {
    const window = new DeliveryWindow(2, async () => {});
    const [one, two, three] = [manual(), manual(), manual()];
    await window.push('case-a', 1, one.deliver);
    await window.push('case-b', 2, two.deliver);
    let third = false;
    const pushed = window.push('case-c', 3, three.deliver).then(() => (third = true));
    await settle();
    expect(third).toBe(false);
    one.finish();
    await pushed;
    expect(third).toBe(true);
  });
});
