// Vitest globalSetup of the `performance` project: validate the config, bring
// the stack up once (or find it), preflight it, and hand the endpoints to the
// specs. Tear down always; keep the service logs when a spec failed. (The HTML
// overview is written by the reporter, reporter.ts, from what the specs handed it.)
//
// A set-up that fails (bad configuration, a target that cannot be reached, TLS, compose) does
// not throw: thrown here, Vitest would run no spec at all ("No test files found"), print every
// project's globs and a stack trace after the message, and JUnit would count zero tests. The
// failure is provided instead (`perfSetupFailure`): every spec fails at once with it before it
// sends anything (perfContext), JUnit records those failures, and the reporter prints it last.
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { autoRateLimit, loadConfig, specDeclaredNames } from '../config/index.ts';
import { describePolicy, formatPolicy } from '../rate-limit/index.ts';
import { ledgerFor, PREFLIGHT, setupFailureOf, specSlots, ticketIdBaseFor, ticketIdStart, type PerfContext } from './perf-context.ts';
import { specNameOf } from './spec-names.ts';
import { orderSpecFiles } from './spec-order.ts';
import { preflight } from '../service/index.ts';
import { chooseProvider, startProvider, type RunningStack } from '../providers/index.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = resolve(project.config.root);
  let stack: RunningStack | undefined;
  let reportDir = resolve(root, 'reports', 'performance');
  try {
    // Every spec file of the project gets its own ticket-id block, by name (no registry to edit).
    const { testFiles } = await project.globTestFiles();
    // The spec files' own variables (setting()) are settings too: read on purpose, and typo-checked.
    const setupWarnings: string[] = [];
    const warn = (message: string) => {
      setupWarnings.push(message);
      console.warn(`[perf] ${message}`);
    };
    const config = loadConfig(root, process.env, {
      declared: specDeclaredNames(testFiles),
      warn: (message) => warn(`config: ${message}`),
    }); // ConfigError before any traffic
    reportDir = resolve(root, config.reportDir);
    const choice = await chooseProvider(config);
    console.log(`[perf] stack provider: ${choice.name} (${choice.reason}); scale ${config.scale}`);

    stack = await startProvider(config, choice, root);
    const endpoints = stack.endpoints;
    if (endpoints.healthUrl === null) {
      console.log('[perf] no health URL (WEBHOOK_HEALTH_URL=none): the signed probe of the preflight is the readiness check');
    }
    const runStartedAt = new Date().toISOString();
    const ticketIdBase = ticketIdBaseFor(Date.now());
    const slots = specSlots(
      orderSpecFiles(
        testFiles,
        (file) => file,
        () => true,
      ).map(specNameOf),
      config.repeat.count,
    );
    const checked = await preflight(endpoints, {
      secret: config.secret,
      probeTicketId: ticketIdStart({ ticketIdBase, specSlots: slots }, PREFLIGHT),
      success: config.success,
      rateLimit: { policy: config.rateLimit, ledger: ledgerFor({ config, stack: endpoints }), auto: config.rateLimitAuto },
    });
    // RATE_LIMIT=auto: the policy the probe's answer states, before any load (a ConfigError when it states none).
    if (config.rateLimitAuto) {
      config.rateLimit = autoRateLimit(checked.probeRateLimitHeaders, endpoints.webhookUrl);
      console.log(
        `[perf] RATE_LIMIT=auto: ${formatPolicy(config.rateLimit)} (${describePolicy(config.rateLimit)}), read from ${config.rateLimit.readFrom}`,
      );
    }
    for (const warning of checked.warnings) warn(`preflight: ${warning}`);
    console.log(
      checked.healthMs === null
        ? `[perf] ${endpoints.webhookUrl} is ready: the signed probe answered ${checked.probeStatus} (${checked.probeMs.toFixed(0)} ms)`
        : `[perf] ${endpoints.webhookUrl} is healthy (${checked.healthMs.toFixed(0)} ms, ${endpoints.healthUrl})`,
    );
    const context: PerfContext = {
      config,
      stack: endpoints,
      preflight: checked,
      runStartedAt,
      ticketIdBase,
      specSlots: slots,
      setupWarnings,
    };
    project.provide('perfSetupFailure', null);
    project.provide('perf', context);
  } catch (error) {
    // Tear down what was started, keep its logs, and hand the failure to the specs and the reporter.
    if (stack !== undefined) {
      await saveLogs(stack, join(reportDir, 'logs'));
      await stack.stop().catch((e: unknown) => console.warn(`[perf] could not stop the stack: ${(e as Error).message}`));
    }
    project.provide('perfSetupFailure', setupFailureOf(error));
    return async () => {};
  }

  const started = stack;
  return async () => {
    if (project.vitest.state.getCountOfFailedTests() > 0) await saveLogs(started, join(reportDir, 'logs'));
    await started.stop();
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
