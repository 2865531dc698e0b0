// Vitest globalSetup of the `performance` project: validate the config, bring
// the stack up once (or find it), preflight it, and hand the endpoints to the
// specs. Tear down always; keep the service logs when a spec failed.
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config/index.ts';
import { ledgerFor, ticketIdBaseFor, ticketIdStart, type PerfContext } from './perf-context.ts';
import { preflight } from '../service/index.ts';
import { chooseProvider, startProvider } from '../providers/index.ts';
import { writeHtmlReport } from '../report/index.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = resolve(project.config.root);
  const config = loadConfig(root); // throws ConfigError before any traffic
  const choice = await chooseProvider(config);
  console.log(`[perf] stack provider: ${choice.name} (${choice.reason}); scale ${config.scale}`);

  const stack = await startProvider(config, choice, root);
  const reportDir = resolve(root, config.reportDir);
  const runStartedAt = new Date().toISOString();
  const ticketIdBase = ticketIdBaseFor(Date.now());
  try {
    const checked = await preflight(stack.endpoints, {
      secret: config.secret,
      probeTicketId: ticketIdStart(ticketIdBase, 'preflight'),
      success: config.success,
      rateLimit: { policy: config.rateLimit, ledger: ledgerFor({ config, stack: stack.endpoints }) },
    });
    for (const warning of checked.warnings) console.warn(`[perf] preflight: ${warning}`);
    console.log(`[perf] ${stack.endpoints.webhookUrl} is healthy (${checked.healthMs.toFixed(0)} ms)`);
    const context: PerfContext = { config, stack: stack.endpoints, preflight: checked, runStartedAt, ticketIdBase };
    project.provide('perf', context);
  } catch (error) {
    await saveLogs(stack, join(reportDir, 'logs'));
    await stack.stop();
    throw error;
  }

  return async () => {
    await renderHtml(reportDir, runStartedAt, config.profile.bottleneckPercent);
    if (project.vitest.state.getCountOfFailedTests() > 0) await saveLogs(stack, join(reportDir, 'logs'));
    await stack.stop();
  };
}

async function saveLogs(stack: { saveLogs(dir: string): Promise<string[]> }, dir: string): Promise<void> {
  try {
    const files = await stack.saveLogs(dir);
    if (files.length > 0) console.warn(`[perf] server logs saved: ${files.join(', ')}`);
  } catch (error) {
    console.warn(`[perf] could not save server logs: ${(error as Error).message}`);
  }
}

/** index.html from this run's JSON reports, also when specs failed; never fails the teardown. */
async function renderHtml(reportDir: string, runStartedAt: string, bottleneckPercent: number): Promise<void> {
  try {
    const { path, specs } = await writeHtmlReport(reportDir, { onlyRunStartedAt: runStartedAt, bottleneckPercent });
    console.log(`[perf] HTML report (${specs} specs): ${path}`);
  } catch (error) {
    console.warn(`[perf] could not write the HTML report: ${(error as Error).message}`);
  }
}
