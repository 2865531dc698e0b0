// Entry point of the webhook service: node --import tsx stack/webhook/main.ts
import { EnvError } from '../env.ts';
import { serve } from '../serve.ts';
import { buildApp } from './app.ts';
import { webhookConfigFromEnv } from './config.ts';
import type { WebhookConfig } from './config.ts';
import { writeMetricsSnapshot } from './snapshot.ts';

let config: WebhookConfig;
try {
  config = webhookConfigFromEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(`webhook: refusing to start: ${error.message}`);
  process.exit(1);
}

const app = buildApp(config);
const snapshotPath = config.metricsSnapshotPath;
if (snapshotPath !== undefined) {
  // 'exit' runs on every way out (clean shutdown, shutdown timeout, fatal error), after the
  // answers of a clean shutdown have all been counted.
  process.once('exit', (code) => {
    try {
      writeMetricsSnapshot(snapshotPath, app.metricsDocument(), code);
    } catch (error) {
      console.error(`webhook: could not write METRICS_SNAPSHOT_PATH=${snapshotPath}: ${(error as Error).message}`);
    }
  });
}
await serve(app, { name: 'webhook', port: config.port, host: config.host, shutdownTimeoutMs: config.shutdownTimeoutMs });
