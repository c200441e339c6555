import { createWorkingCalendar } from '../calendar/working-calendar';
import { CATEGORY_CODES, URGENCIES } from './category';
import { addDuration, DEFAULT_DEADLINE_POLICY, parseDeadlinePolicy, pushBackByPause, type DeadlinePolicy } from './deadlines';

// The 2026 Spring Festival as the State Council arranged it: off 02-15 … 02-23, Saturdays 02-14 and 02-28 worked.
const calendar = createWorkingCalendar({
  holidays: Object.fromEntries(['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((day) => [`2026-02-${day}`, '春节'])),
  workdays: { '2026-02-14': '春节', '2026-02-28': '春节' },
});

describe('DEFAULT_DEADLINE_POLICY', () => {
  it('holds the default limits', () => {
    expect(DEFAULT_DEADLINE_POLICY.tasks.elevator.normal).toEqual({ signFor: { hours: 2 }, firstReply: { workingDays: 1 }, resolve: { hours: 24 } });
    expect(DEFAULT_DEADLINE_POLICY.tasks.parking.normal.resolve).toEqual({ workingDays: 7 });
    expect(DEFAULT_DEADLINE_POLICY.tasks.maintenance_fund.normal.resolve).toEqual({ workingDays: 15 });
    expect(DEFAULT_DEADLINE_POLICY.escalatedTasks.district).toEqual({ signFor: { hours: 2 }, firstReply: { workingDays: 1 }, resolve: { workingDays: 5 } });
    expect(DEFAULT_DEADLINE_POLICY.followUp.urgent).toEqual({ remindAfter: { hours: 1 }, escalateAfter: { hours: 4 } });
    expect(DEFAULT_DEADLINE_POLICY.councilDecision).toEqual({ workingDays: 10 });
  });

  it('gives every category limits for every urgency, urgent ones the same everywhere', () => {
    for (const category of CATEGORY_CODES) {
      expect(Object.keys(DEFAULT_DEADLINE_POLICY.tasks[category])).toEqual([...URGENCIES]);
      expect(DEFAULT_DEADLINE_POLICY.tasks[category].urgent).toEqual({ signFor: { hours: 0.5 }, firstReply: { hours: 2 }, resolve: { hours: 24 } });
    }
  });

  it('is valid, and cannot be changed by accident', () => {
    expect(parseDeadlinePolicy({})).toEqual(DEFAULT_DEADLINE_POLICY);
    expect(Object.isFrozen(DEFAULT_DEADLINE_POLICY.tasks.elevator.normal.resolve)).toBe(true);
  });
});

describe('addDuration', () => {
  it('adds exact hours, holidays or not', () => {
    expect(addDuration('2026-02-16T01:00:00.000Z', { hours: 0.5 }, calendar)).toBe('2026-02-16T01:30:00.000Z');
    expect(addDuration('2026-02-16T01:00:00.000Z', { hours: 24 }, calendar)).toBe('2026-02-17T01:00:00.000Z');
  });

  it('ends working days at the end of the n-th working day after, in China', () => {
    const fridayAfternoon = '2026-02-13T07:00:00Z';
    expect(addDuration(fridayAfternoon, { workingDays: 1 }, calendar)).toBe('2026-02-14T15:59:59.999Z');
    expect(addDuration(fridayAfternoon, { workingDays: 2 }, calendar)).toBe('2026-02-24T15:59:59.999Z');
  });

  it('refuses hours that are not > 0 and working days that are not whole', () => {
    expect(() => addDuration('2026-02-13T07:00:00Z', { hours: 0 }, calendar)).toThrow(/must be > 0/);
    expect(() => addDuration('2026-02-13T07:00:00Z', { workingDays: 0.5 }, calendar)).toThrow(/whole number/);
  });
});

describe('pushBackByPause', () => {
  it('adds the exact paused time to a deadline in hours, and nothing for a pause stamped as ending before it began', () => {
    expect(pushBackByPause('2026-02-13T10:00:00.000Z', 'hours', '2026-02-13T02:00:00Z', '2026-02-13T05:30:00Z', calendar)).toBe('2026-02-13T13:30:00.000Z');
    expect(pushBackByPause('2026-02-13T10:00:00.000Z', 'hours', '2026-02-13T05:30:00Z', '2026-02-13T02:00:00Z', calendar)).toBe('2026-02-13T10:00:00.000Z');
  });

  it('adds the working days that passed during the pause, across the Spring Festival', () => {
    // Paused Thursday 02-12, resumed Wednesday 02-25: 02-13, 02-14 (worked Saturday), 02-24 and 02-25 passed.
    const due = '2026-02-27T15:59:59.999Z';
    const pushedBack = pushBackByPause(due, 'working_days', '2026-02-12T02:00:00Z', '2026-02-25T02:00:00Z', calendar);
    // 02-28 (worked Saturday), 03-02, 03-03, 03-04.
    expect(pushedBack).toBe('2026-03-04T15:59:59.999Z');
  });

  it('leaves a working-day deadline alone when no working day passed', () => {
    const due = '2026-02-27T15:59:59.999Z';
    expect(pushBackByPause(due, 'working_days', '2026-02-16T02:00:00Z', '2026-02-23T09:00:00Z', calendar)).toBe(due);
    expect(pushBackByPause(due, 'working_days', '2026-02-24T01:00:00Z', '2026-02-24T09:00:00Z', calendar)).toBe(due);
  });
});

describe('parseDeadlinePolicy', () => {
  it('merges a partial policy over the base, replacing whole durations, and leaves the base alone', () => {
    const policy = parseDeadlinePolicy({
      tasks: { elevator: { urgent: { resolve: { hours: 12 } } }, other: { normal: { resolve: { hours: 48 } } } },
      councilDecision: { workingDays: 5 },
    });
    expect(policy.tasks.elevator.urgent).toEqual({ signFor: { hours: 0.5 }, firstReply: { hours: 2 }, resolve: { hours: 12 } });
    expect(policy.tasks.other.normal.resolve).toEqual({ hours: 48 });
    expect(policy.tasks.elevator.normal).toEqual(DEFAULT_DEADLINE_POLICY.tasks.elevator.normal);
    expect(policy.councilDecision).toEqual({ workingDays: 5 });
    expect(DEFAULT_DEADLINE_POLICY.tasks.elevator.urgent.resolve).toEqual({ hours: 24 });
    expect(policy.followUp).not.toBe(DEFAULT_DEADLINE_POLICY.followUp);
  });

  it('merges over another base', () => {
    const base = parseDeadlinePolicy({ councilDecision: { workingDays: 20 } });
    expect(parseDeadlinePolicy({ followUp: { urgent: { remindAfter: { hours: 2 } } } }, base)).toMatchObject({
      councilDecision: { workingDays: 20 },
      followUp: { urgent: { remindAfter: { hours: 2 }, escalateAfter: { hours: 4 } } },
    });
  });

  it('lists every problem by its path in one error', () => {
    const message = errorOf(() =>
      parseDeadlinePolicy({
        tasks: {
          lift: { normal: {} },
          elevator: { urgent: { resolve: { hours: 0 } }, normal: { signFor: { workingDays: 1.5 }, reslove: { hours: 1 } }, sometimes: {} },
          parking: 'soon',
        },
        escalatedTasks: { county: {} },
        followUp: { urgent: { remindAfter: { hours: 1, workingDays: 1 } } },
        councilDecision: 10,
        extra: true,
      }),
    );
    expect(message.startsWith('deadline policy: ')).toBe(true);
    for (const problem of [
      'tasks.lift is not a category',
      'tasks.elevator.urgent.resolve must be {"hours": n} (n > 0) or {"workingDays": n} (whole n >= 1), not {"hours":0}',
      'tasks.elevator.normal.signFor must be {"hours": n} (n > 0) or {"workingDays": n} (whole n >= 1), not {"workingDays":1.5}',
      'tasks.elevator.normal.reslove is not one of signFor, firstReply, resolve',
      'tasks.elevator.sometimes is not an urgency (normal, urgent)',
      'tasks.parking must be an object, not "soon"',
      'escalatedTasks.county is not a supervising tier (street, district)',
      'followUp.urgent.remindAfter must be',
      'councilDecision must be',
      'extra is not one of tasks, escalatedTasks, followUp, councilDecision',
    ]) {
      expect(message).toContain(problem);
    }
    expect(message.split('; ')).toHaveLength(10);
  });

  it('checks the base too, so a policy written before a category existed is caught', () => {
    const { maintenance_fund: _dropped, ...olderTasks } = DEFAULT_DEADLINE_POLICY.tasks;
    const olderBase = { ...DEFAULT_DEADLINE_POLICY, tasks: olderTasks } as unknown as DeadlinePolicy;
    expect(() => parseDeadlinePolicy({}, olderBase)).toThrow('deadline policy: tasks.maintenance_fund is missing');
  });

  it('refuses what is not an object, and keys that would reach the prototype', () => {
    expect(() => parseDeadlinePolicy([])).toThrow('deadline policy: must be a JSON object');
    expect(() => parseDeadlinePolicy(null)).toThrow('deadline policy: must be a JSON object');
    expect(() => parseDeadlinePolicy(JSON.parse('{"tasks": {"__proto__": {"polluted": true}}}'))).toThrow('tasks.__proto__ is not a category');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}
