import type { LoggerService } from '@nestjs/common';
import { ClusterPart, type PartRun } from './cluster-part';

/** Runs that end when told to: `end()` is a crash, `stop()` an orderly stop. */
class FakeRuns {
  readonly started: number[] = [];
  readonly stopped: number[] = [];
  private readonly endings = new Map<number, () => void>();
  failNextStarts = 0;

  launch = async (): Promise<PartRun> => {
    if (this.failNextStarts > 0) {
      this.failNextStarts -= 1;
      throw new Error('refused to start');
    }
    const pid = 1000 + this.started.length;
    this.started.push(pid);
    const ended = new Promise<void>((resolve) => this.endings.set(pid, resolve));
    return {
      pid,
      ended,
      stop: async () => {
        this.stopped.push(pid);
        this.endings.get(pid)!();
      },
    };
  };

  end(pid: number): void {
    this.endings.get(pid)!();
  }
}

const quietLogger: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

describe('a part of the cluster topology', () => {
  it('is started again after it ends unexpectedly, and counts it', async () => {
    const runs = new FakeRuns();
    const part = new ClusterPart('worker-1', 'worker', runs.launch, quietLogger);
    await part.start();
    expect(part.pid).toBe(1000);
    runs.end(1000);
    await Promise.resolve();
    expect(part.pid).toBeUndefined();
    await part.whenUp();
    expect(part.pid).toBe(1001);
    expect(part.restarts).toBe(1);
    expect(runs.stopped).toEqual([]);
    await part.stop();
  });

  it('tries a failed start again until one succeeds, once it has been up', async () => {
    const runs = new FakeRuns();
    const part = new ClusterPart('postgres', 'postgres', runs.launch, quietLogger);
    await part.start();
    runs.failNextStarts = 1;
    runs.end(1000);
    await Promise.resolve();
    await part.whenUp();
    expect(part.pid).toBe(1001);
    await part.stop();
  });

  it('fails its first start: the topology’s start fails with it', async () => {
    const runs = new FakeRuns();
    runs.failNextStarts = 1;
    await expect(new ClusterPart('temporal', 'temporal', runs.launch, quietLogger).start()).rejects.toThrow('refused to start');
  });

  it('restarts on demand: stops the run in order and starts another, not counted as a fault', async () => {
    const runs = new FakeRuns();
    const part = new ClusterPart('api-1', 'api', runs.launch, quietLogger);
    await part.start();
    await part.restart();
    expect(runs.stopped).toEqual([1000]);
    expect(part.pid).toBe(1001);
    expect(part.restarts).toBe(0);
    await part.stop();
  });

  it('stopped on purpose, it stops its run and is not started again, even while waiting to start again', async () => {
    const runs = new FakeRuns();
    const part = new ClusterPart('worker-2', 'worker', runs.launch, quietLogger);
    await part.start();
    runs.end(1000);
    await Promise.resolve();
    await part.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(runs.started).toEqual([1000]);

    const other = new ClusterPart('worker-3', 'worker', runs.launch, quietLogger);
    await other.start();
    await other.stop();
    expect(runs.stopped).toEqual([1001]);
  });
});
