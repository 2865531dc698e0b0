// Extracted from docs/engine.md (ts block 1) by scripts/docs-examples.ts.
// Do not edit: edit the page, then run `node --import tsx scripts/docs-examples.ts`.
import { jsonObjectBody, plannedDurationMs, runLoadTest } from '#engine';

const stages = [
  { durationMs: 60_000, targetRps: 50 }, // 0 -> 50/s over a minute
  { durationMs: 120_000, targetRps: 50 }, // hold 50/s for two minutes
  { durationMs: 30_000, targetRps: 0 }, // ramp down
]; // 1500 + 6000 + 750 = 8250 requests

const results = await runLoadTest({
  url: 'http://127.0.0.1:8801/webhook/freshdesk',
  secret: process.env.WEBHOOK_SECRET ?? 'test_secret_key_12345',
  stages,
  checkBody: jsonObjectBody,
  maxDurationMs: plannedDurationMs(stages) + 40_000,
});
const summary = results.getSummary();
console.log(`${summary.successCount} of ${summary.sentRequests} succeeded; P95 ${summary.responseTimes.p95Ms.toFixed(1)} ms`);
