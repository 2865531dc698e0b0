// Vitest globalSetup of the `performance` project: validate the config, bring
// the stack up once (or find it), preflight it, and hand the endpoints to the
// specs. Tear down always; keep the service logs when a spec failed. (The HTML
// overview is written by the reporter, reporter.ts, from what the specs handed it.)
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../config/index.ts';
import { ledgerFor, PREFLIGHT, specSlots, ticketIdBaseFor, ticketIdStart, type PerfContext } from './perf-context.ts';
import { specNameOf } from './spec-names.ts';
import { orderSpecFiles } from './spec-order.ts';
import { preflight } from '../service/index.ts';
import { chooseProvider, startProvider } from '../providers/index.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = resolve(project.config.root);
  const config = loadConfig(root); // throws ConfigError before any traffic
  const choice = await chooseProvider(config);
  console.log(`[perf] stack provider: ${choice.name} (${choice.reason}); scale ${config.scale}`);

  const stack = await startProvider(config, choice, root);
  const reportDir = resolve(root, config.reportDir);
  const runStartedAt = new Date().toISOString();
  const ticketIdBase = ticketIdBaseFor(Date.now());
  // Every spec file of the project gets its own ticket-id block, by name (no registry to edit).
  const { testFiles } = await project.globTestFiles();
  const slots = specSlots(
    orderSpecFiles(
      testFiles,
      (file) => file,
      () => true,
    ).map(specNameOf),
  );
  try {
    const checked = await preflight(stack.endpoints, {
      secret: config.secret,
      probeTicketId: ticketIdStart({ ticketIdBase, specSlots: slots }, PREFLIGHT),
      success: config.success,
      rateLimit: { policy: config.rateLimit, ledger: ledgerFor({ config, stack: stack.endpoints }) },
    });
    for (const warning of checked.warnings) console.warn(`[perf] preflight: ${warning}`);
    console.log(`[perf] ${stack.endpoints.webhookUrl} is healthy (${checked.healthMs.toFixed(0)} ms)`);
    const context: PerfContext = { config, stack: stack.endpoints, preflight: checked, runStartedAt, ticketIdBase, specSlots: slots };
    project.provide('perf', context);
  } catch (error) {
    await saveLogs(stack, join(reportDir, 'logs'));
    await stack.stop();
    throw error;
  }

  return async () => {
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
