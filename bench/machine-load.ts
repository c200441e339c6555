import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * Where the machine's CPU went while a measurement ran, in cores: this benchmark's processes (this
 * one and every process it started, named as asked) and everyone else's. The machine is shared, so
 * a figure taken while others kept the cores busy says less than it seems, and says so beside it.
 */
export interface MachineLoad {
  seconds: number;
  cores: number;
  /** Cores busy over the interval, all processes (from /proc/stat). */
  busy: number;
  /** Cores used by each named process of this benchmark, the rest of its process tree under `bench`. */
  ours: Record<string, number>;
  /** busy less what this benchmark's processes used. */
  others: number;
}

const TICKS_PER_SECOND = Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim());

interface ProcessTicks {
  parent: number;
  ticks: number;
}

function machineBusyTicks(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return user + nice + system + irq + softirq + steal;
}

function processTicks(): Map<number, ProcessTicks> {
  const processes = new Map<number, ProcessTicks>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after its last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      processes.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return processes;
}

function descendantsOf(root: number, processes: Map<number, ProcessTicks>): Set<number> {
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, { parent }] of processes) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return tree;
}

/**
 * Starts measuring now; `stop()` tells the load since. `named` gives names to processes of this
 * benchmark (a server, the Temporal dev server), each counted with its own children.
 */
export function measureMachineLoad(named: () => Record<string, number | undefined> = () => ({})): { stop(): MachineLoad } {
  const startedAt = performance.now();
  const busyBefore = machineBusyTicks();
  const before = processTicks();
  return {
    stop() {
      const seconds = (performance.now() - startedAt) / 1000;
      const after = processTicks();
      const busy = (machineBusyTicks() - busyBefore) / TICKS_PER_SECOND / seconds;
      const used = (pids: Set<number>) => {
        let ticks = 0;
        for (const pid of pids) ticks += (after.get(pid)?.ticks ?? 0) - (before.get(pid)?.ticks ?? 0);
        return ticks / TICKS_PER_SECOND / seconds;
      };
      const benchTree = descendantsOf(process.pid, after);
      const ours: Record<string, number> = {};
      const roots = Object.entries(named()).filter((entry): entry is [string, number] => entry[1] !== undefined);
      const trees = new Map(roots.map(([, pid]) => [pid, descendantsOf(pid, after)]));
      let namedTrees = new Set<number>();
      for (const [name, pid] of roots) {
        const tree = trees.get(pid)!;
        // A named process started by another (the worker by the server) counts for itself only.
        const nestedTrees = roots.filter(([, other]) => other !== pid && tree.has(other)).map(([, other]) => trees.get(other)!);
        ours[name] = used(new Set([...tree].filter((member) => !nestedTrees.some((nested) => nested.has(member)))));
        namedTrees = new Set([...namedTrees, ...tree]);
      }
      ours.bench = used(new Set([...benchTree].filter((pid) => !namedTrees.has(pid))));
      const oursTotal = used(benchTree);
      return { seconds, cores: cpus().length, busy, ours, others: Math.max(0, busy - oursTotal) };
    },
  };
}

export function describeLoad(load: MachineLoad): string {
  const fixed = (cores: number) => cores.toFixed(2);
  const ours = Object.entries(load.ours)
    .map(([name, cores]) => `${name} ${fixed(cores)}`)
    .join(', ');
  return `CPU in cores of ${load.cores}: ${fixed(load.busy)} busy; ours ${ours}; others ${fixed(load.others)}`;
}
