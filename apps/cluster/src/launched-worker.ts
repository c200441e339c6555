// A worker process of `npm run start:cluster` (topology.ts): apps/worker's own, which also exits as
// soon as the launcher is gone, its IPC channel closed, as a launcher killed outright leaves no worker behind.
import '../../worker/src/main';

process.once('disconnect', () => process.exit(1));
