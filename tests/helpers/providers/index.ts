// Where the service under test comes from: embedded child processes, Docker
// Compose through testcontainers, or a URL someone else runs.
export { chooseProvider, startProvider } from './choose.ts';
export { embeddedStack } from './embedded.ts';
export type { StackEndpoints, RunningStack } from './types.ts';
