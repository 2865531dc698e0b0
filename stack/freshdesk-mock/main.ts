// Entry point of the Freshdesk mock: node --import tsx stack/freshdesk-mock/main.ts
import { EnvError } from '../env.ts';
import { serve } from '../serve.ts';
import { buildMockApp } from './app.ts';
import { mockConfigFromEnv } from './config.ts';
import type { MockConfig } from './config.ts';

let config: MockConfig;
try {
  config = mockConfigFromEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(`freshdesk-mock: refusing to start: ${error.message}`);
  process.exit(1);
}

const app = buildMockApp(config);
app.log.info(
  { seed: config.seed, latencyMedianMs: config.latencyMedianMs, latencyP95Ms: config.latencyP95Ms, errorRate: config.errorRate },
  'freshdesk-mock: configuration',
);
await serve(app, { name: 'freshdesk-mock', port: config.port, host: config.host, shutdownTimeoutMs: 8000 });
