// Which stack the specs run against, and why: WEBHOOK_STACK, or `auto`.
import type { PerfConfig } from '../config/index.ts';
import { composeStack } from './compose.ts';
import { composeV2Version, dockerEngineAnswers } from './docker-probe.ts';
import { embeddedStack } from './embedded.ts';
import { externalStack } from './external.ts';
import type { ProviderName, RunningStack } from './types.ts';

export interface ProviderChoice {
  name: ProviderName;
  reason: string;
}

export async function chooseProvider(config: PerfConfig): Promise<ProviderChoice> {
  const { choice, webhookUrl } = config.stack;
  if (choice !== 'auto') return { name: choice, reason: `WEBHOOK_STACK=${choice}` };
  if (webhookUrl) return { name: 'external', reason: 'auto: WEBHOOK_URL is set' };
  const engine = await dockerEngineAnswers();
  if (!engine.ok) return { name: 'embedded', reason: `auto: ${engine.detail}` };
  const compose = await composeV2Version();
  if (!compose.ok) return { name: 'embedded', reason: `auto: ${engine.detail} but ${compose.detail}` };
  return { name: 'compose', reason: `auto: ${engine.detail} with ${compose.detail}` };
}

/** Starts (or finds) the stack; a Prometheus endpoint (WEBHOOK_PROMETHEUS_URL) goes with any provider's endpoints. */
export async function startProvider(config: PerfConfig, choice: ProviderChoice, root: string): Promise<RunningStack> {
  const stack = await startChosen(config, choice, root);
  if (config.stack.prometheusUrl !== undefined) stack.endpoints.prometheusUrl = config.stack.prometheusUrl;
  return stack;
}

function startChosen(config: PerfConfig, choice: ProviderChoice, root: string): Promise<RunningStack> | RunningStack {
  switch (choice.name) {
    case 'external':
      if (!config.stack.webhookUrl) throw new Error('WEBHOOK_STACK=external needs WEBHOOK_URL');
      return externalStack(config.stack.webhookUrl, choice.reason, {
        healthUrl: config.stack.healthUrl,
        metricsUrl: config.stack.metricsUrl,
      });
    case 'compose':
      return composeStack({ root, composeFiles: config.stack.composeFiles, secret: config.secret, reason: choice.reason });
    case 'embedded':
      return embeddedStack(config.secret, choice.reason, config.stack.embeddedMockEnv, config.stack.embeddedWebhookEnv);
  }
}
