// A worker thread of runOnThreads: Node 20's worker threads do not inherit the parent's
// --import hooks, so the TypeScript loader is registered here before the thread's code.
import { register } from 'tsx/esm/api';

register();
await import('./thread.ts');
