// Entry point of the webhook service: node --import tsx stack/webhook/main.ts
import { EnvError } from '../env.ts';
import { serve } from '../serve.ts';
import { buildApp } from './app.ts';
import { webhookConfigFromEnv } from './config.ts';
import type { WebhookConfig } from './config.ts';

let config: WebhookConfig;
try {
  config = webhookConfigFromEnv(process.env);
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(`webhook: refusing to start: ${error.message}`);
  process.exit(1);
}

await serve(buildApp(config), { name: 'webhook', port: config.port, host: config.host, shutdownTimeoutMs: config.shutdownTimeoutMs });
