import { setTimeout as delay } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { ClusterPart } from '@yixin/cluster';

/** What the run kills: a process of each kind, and the workers holding the work done once. */
export const FAULT_KINDS = ['api', 'worker', 'bridge holder', 'projection holder', 'temporal', 'postgres'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  part: string;
  pid: number;
  /** When it was killed (ms since the epoch). */
  at: number;
}

/** A seeded generator (mulberry32): the same seed kills the same kinds after the same pauses. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMEBACK_TIMEOUT_MS = 120_000;

export interface FaultSchedule {
  /** The pause before each kill, drawn between these bounds. */
  minPauseMs: number;
  maxPauseMs: number;
}

/**
 * SIGKILLs a part of the cluster after each random pause, in rounds: every kind once per round, in
 * an order drawn anew each round; the part comes back by itself (ClusterPart), and the next pause
 * starts once it is up. A holder is found in the leases table: its holder names host/pid.
 */
export class FaultScheduler {
  readonly faults: Fault[] = [];

  constructor(
    private readonly parts: ClusterPart[],
    private readonly leases: Pool,
    private readonly random: () => number,
    private readonly schedule: FaultSchedule,
    private readonly log: (message: string) => void,
  ) {}

  /** Kills until `enough` says so after a whole round (at least one), or `stopping` aborts. */
  async run(enough: () => boolean, stopping: AbortSignal): Promise<void> {
    do {
      for (const kind of this.shuffled()) {
        if (stopping.aborted) return;
        const pause = this.schedule.minPauseMs + this.random() * (this.schedule.maxPauseMs - this.schedule.minPauseMs);
        await delay(pause, undefined, { signal: stopping }).catch(() => undefined);
        if (stopping.aborted) return;
        await this.kill(kind);
      }
    } while (!enough() && !stopping.aborted);
  }

  private shuffled(): FaultKind[] {
    const kinds = [...FAULT_KINDS];
    for (let index = kinds.length - 1; index > 0; index -= 1) {
      const other = Math.floor(this.random() * (index + 1));
      [kinds[index], kinds[other]] = [kinds[other], kinds[index]];
    }
    return kinds;
  }

  private async kill(kind: FaultKind): Promise<void> {
    const part = await this.target(kind);
    if (!part?.pid) {
      this.log(`no ${kind} to kill now`);
      return;
    }
    const pid = part.pid;
    part.kill('SIGKILL');
    this.faults.push({ kind, part: part.name, pid, at: Date.now() });
    this.log(`killed ${kind}: ${part.name} (pid ${pid})`);
    // It comes back by itself; give it the time to, before the next fault.
    const until = Date.now() + COMEBACK_TIMEOUT_MS;
    while ((part.pid === pid || part.pid === undefined) && Date.now() < until) await delay(200);
    if (part.pid === pid || part.pid === undefined) throw new Error(`${part.name} did not come back within ${COMEBACK_TIMEOUT_MS / 1000} s of its kill`);
    await part.whenUp();
  }

  private async target(kind: FaultKind): Promise<ClusterPart | undefined> {
    const ofKind = (wanted: string) => this.parts.filter((part) => part.kind === wanted && part.pid !== undefined);
    const pick = <T>(items: T[]) => items[Math.floor(this.random() * items.length)];
    switch (kind) {
      case 'api':
      case 'worker':
      case 'temporal':
      case 'postgres':
        return pick(ofKind(kind));
      case 'bridge holder':
        return this.holderOf("name = 'bridge:temporal'", pick);
      case 'projection holder':
        return this.holderOf("name LIKE 'projection:%'", pick);
    }
  }

  /** The worker holding an unexpired lease matching `where`, by the pid in its holder (host/pid/instance). */
  private async holderOf(where: string, pick: <T>(items: T[]) => T): Promise<ClusterPart | undefined> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const rows = await this.leases
        .query<{ holder: string }>(`SELECT holder FROM leases WHERE ${where} AND expires_at > (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT`)
        .then((result) => result.rows)
        .catch(() => []);
      const pids = new Set(rows.map((row) => Number(row.holder.split('/')[1])));
      const holders = this.parts.filter((part) => part.kind === 'worker' && part.pid !== undefined && pids.has(part.pid));
      if (holders.length > 0) return pick(holders);
      await delay(200);
    }
    return undefined;
  }
}
