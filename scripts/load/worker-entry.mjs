// A worker thread of `npm run load -- --workers N`: Node 20's worker threads do not inherit the
// parent's --import hooks, so the TypeScript loader is registered here before the worker's code.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
