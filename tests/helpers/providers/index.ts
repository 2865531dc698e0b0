// Where the service under test comes from: embedded child processes, Docker
// Compose through testcontainers, or a URL someone else runs.
export { chooseProvider, startProvider, type ProviderChoice } from './choose.ts';
export { ComposeError, composeFailureFix, HOST_NETWORK_FILES } from './compose.ts';
export { embeddedStack } from './embedded.ts';
export type { ProviderName, StackEndpoints, RunningStack } from './types.ts';
