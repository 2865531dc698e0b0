// npm run stack: the Freshdesk mock and the webhook service in the foreground, webhook on PORT
// (default 8801), until Ctrl-C. Variables of either service set in this shell are passed on.
import { MOCK_ENV_VARS, WEBHOOK_ENV_VARS } from './env-vars.ts';
import { startStack } from './start-stack.ts';
import { sign } from './webhook/signature.ts';

function pick(names: readonly string[], except: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && !except.includes(name)) env[name] = value;
  }
  return env;
}

const port = process.env.PORT ?? '8801';
// PORT and HOST belong to the webhook; the mock always takes a free loopback port.
const stack = await startStack({
  secret: process.env.WEBHOOK_SECRET || undefined,
  webhookEnv: { ...pick(WEBHOOK_ENV_VARS, ['WEBHOOK_SECRET', 'FRESHDESK_URL']), PORT: port },
  mockEnv: pick(MOCK_ENV_VARS, ['PORT', 'HOST']),
});

const example = JSON.stringify({
  ticket_id: String(Math.floor(Date.now() / 1000)),
  event: 'ticket_created',
  triggered_at: new Date().toISOString(),
  ticket_subject: 'Manual test ticket',
  ticket_status: 2,
  ticket_priority: 1,
  requester_email: 'manual@example.com',
});
const origin = new URL(stack.webhookUrl).origin;

console.log(`
Webhook stack running (Ctrl-C to stop)
  webhook   ${stack.webhookUrl}   (pid ${stack.pids.webhook})
  health    ${stack.healthUrl}
  metrics   ${stack.metricsUrl}
  freshdesk ${stack.freshdeskUrl}   (mock, pid ${stack.pids.mock})
  logs      tail -f ${stack.logFiles.webhook} ${stack.logFiles.mock}

Try:
  curl ${stack.healthUrl}
  curl ${stack.metricsUrl} | jq
  watch -n 5 'curl -s ${origin}/webhook/metrics | jq ".webhook_metrics"'
  curl -i -X POST ${stack.webhookUrl} \\
    -H 'Content-Type: application/json' \\
    -H 'X-Freshdesk-Signature: ${sign(stack.secret, example)}' \\
    -d '${example}'
`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the stack...`);
  await stack.stop();
  console.log('stopped.');
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
// The children are unref'd; this keeps the foreground process alive until a signal.
setInterval(() => {}, 1 << 30);
