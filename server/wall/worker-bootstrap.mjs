// Starts a TypeScript worker module (`workerData.entry`, a file URL) in a worker thread. The
// server runs bundled (plain Node) or from source, and the worker's modules are TypeScript in
// both cases, so the worker registers tsx's loader before it imports them. Plain JavaScript,
// because it is what makes TypeScript loadable.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
