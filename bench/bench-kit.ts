/** What every benchmark reports: figures, each beside its baseline when it has one. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same work done the plain way, measured in the same run. */
  baseline?: { name: string; value: number };
  /** The target, in words ("≥ 0.5× baseline", "p99 < 5 ms"). */
  target?: string;
  note?: string;
}

export interface Benchmark {
  title: string;
  run(): Promise<Figure[]>;
}

export function percentile(sortedAscending: number[], p: number): number {
  if (sortedAscending.length === 0) return NaN;
  const index = Math.min(sortedAscending.length - 1, Math.ceil((p / 100) * sortedAscending.length) - 1);
  return sortedAscending[Math.max(index, 0)];
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
