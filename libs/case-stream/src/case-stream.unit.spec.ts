import { eventIdFor, timeOrderedUuid } from './case-stream';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedUuid', () => {
  it('is an RFC 9562 version-7 UUID that starts with the time in milliseconds', () => {
    const at = Date.UTC(2026, 10, 30, 8, 0, 0, 123);
    const id = timeOrderedUuid(at);
    expect(id).toMatch(UUID);
    expect(id[14]).toBe('7');
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts ids made later after ids made earlier, and never repeats one', () => {
    const ids = [1, 2, 3, 1_000, 2 ** 40].map((offset) => timeOrderedUuid(Date.UTC(2026, 0, 1) + offset));
    expect([...ids].sort()).toEqual(ids);
    const many = new Set(Array.from({ length: 10_000 }, () => timeOrderedUuid(0)));
    expect(many.size).toBe(10_000);
  });
});

describe('eventIdFor', () => {
  it('gives the same version-8 id for the same command and index, another for another index', () => {
    const commandId = timeOrderedUuid();
    expect(eventIdFor(commandId, 0)).toBe(eventIdFor(commandId, 0));
    expect(eventIdFor(commandId, 1)).not.toBe(eventIdFor(commandId, 0));
    expect(eventIdFor(commandId, 0)).toMatch(UUID);
    expect(eventIdFor(commandId, 0)[14]).toBe('8');
  });

  it('starts with the time of a command id, or of a workflow command’s case id, that is time-ordered', () => {
    const caseId = timeOrderedUuid(Date.UTC(2026, 10, 30));
    const timeOf = (id: string) => id.slice(0, 13);
    expect(timeOf(eventIdFor(caseId, 0))).toBe(timeOf(caseId));
    expect(timeOf(eventIdFor(`${caseId}/DispatchTask@0`, 1))).toBe(timeOf(caseId));
  });

  it('keeps the ids of commands named after cases filed before ids were time-ordered', () => {
    const commandOfAnOldCase = '0b9a3f4e-2c1d-4e8f-9a7b-6c5d4e3f2a1b/DispatchTask@0';
    expect([eventIdFor(commandOfAnOldCase, 0), eventIdFor(commandOfAnOldCase, 1)]).toEqual([
      'e817729b-a3a1-8a65-a75e-d95baa4f0662',
      '4837c51f-1a6f-8ce0-abf5-459c9d249b8b',
    ]);
  });
});
