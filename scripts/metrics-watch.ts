// npm run metrics:watch [-- --url URL --interval SECONDS --count N]
// Polls the webhook's metrics every 5 s and prints the key figures with the
// change since the last poll (what `watch curl | jq` would show). Stops on Ctrl-C or
// after --count polls (default 720: an hour at 5 s).
import { parseArgs } from 'node:util';
import { fetchMetrics, type ServerMetrics } from '../tests/helpers/service/index.ts';
import { formatWatchLine } from '../tests/helpers/report/index.ts';

const DEFAULT_URL = process.env.WEBHOOK_METRICS_URL || 'http://127.0.0.1:8801/webhook/metrics';

function fail(message: string): never {
  console.error(`metrics:watch: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: DEFAULT_URL },
    interval: { type: 'string', default: '5' },
    count: { type: 'string', default: '720' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('Usage: npm run metrics:watch -- [--url http://127.0.0.1:8801/webhook/metrics] [--interval 5] [--count 720]');
  process.exit(0);
}
const intervalS = Number(values.interval);
const count = Number(values.count);
if (!(intervalS >= 0.1 && intervalS <= 3600)) fail(`--interval ${JSON.stringify(values.interval)}: expected seconds from 0.1 to 3600`);
if (!Number.isInteger(count) || count < 1 || count > 1_000_000)
  fail(`--count ${JSON.stringify(values.count)}: expected a whole number of polls from 1 to 1000000`);
try {
  if (!/^https?:$/.test(new URL(values.url).protocol)) throw new Error('not http');
} catch {
  fail(`--url ${JSON.stringify(values.url)}: expected an http:// URL of the metrics endpoint, e.g. ${DEFAULT_URL}`);
}

let previous: ServerMetrics | undefined;
let polls = 0;
let timer: NodeJS.Timeout | undefined;
let stopped = false;

function stop(reason: string): void {
  if (stopped) return;
  stopped = true;
  clearTimeout(timer);
  console.log(`metrics:watch stopped (${reason}) after ${polls} polls`);
}

process.on('SIGINT', () => stop('Ctrl-C'));
process.on('SIGTERM', () => stop('SIGTERM'));

console.log(`Watching ${values.url} every ${intervalS} s (${count} polls at most; Ctrl-C stops). FD = Freshdesk API latency.`);

async function poll(): Promise<void> {
  polls += 1;
  const clock = new Date().toISOString().slice(11, 19);
  const result = await fetchMetrics(values.url, Math.min(5000, intervalS * 1000));
  if (stopped) return;
  if (result.available) {
    console.log(formatWatchLine(result.metrics, previous, clock));
    previous = result.metrics;
  } else {
    console.log(`${clock}  unavailable: ${result.reason}`);
  }
  if (polls >= count) stop('--count reached');
  else timer = setTimeout(poll, intervalS * 1000);
}

await poll();
