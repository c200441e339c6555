import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Names the folder of the run, so that only a folder made by useRunFolder is ever removed. */
const RUN_FOLDER_VARIABLE = 'YIXIN_RUN_FOLDER';

/**
 * Puts every temporary file of this run into one folder of its own: os.tmpdir() reads TMPDIR, here
 * and in every process started from here (jest's workers, the APIs, workers, PostgreSQL and Temporal
 * servers the tests start). Without it, each run left its SQLite files, Temporal databases and logs
 * in /tmp: 27 GB of them on a development machine after a few days of runs.
 */
export function useRunFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  process.env[RUN_FOLDER_VARIABLE] = folder;
  process.env.TMPDIR = folder;
  return folder;
}

/** Deletes the folder useRunFolder made, with everything in it. A run killed before it keeps its folder. */
export function removeRunFolder(): void {
  const folder = process.env[RUN_FOLDER_VARIABLE];
  if (folder) rmSync(folder, { recursive: true, force: true });
}
