// embedded: the reference stack (stack/) as child processes on 127.0.0.1.
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { startStack } from '../../../stack/start-stack.ts';
import type { RunningStack } from './types.ts';

export async function embeddedStack(
  secret: string,
  reason: string,
  mockEnv: Record<string, string> = {},
  webhookEnv: Record<string, string> = {},
): Promise<RunningStack> {
  const stack = await startStack({ secret, mockEnv, webhookEnv });
  const logFiles = [stack.logFiles.webhook, stack.logFiles.mock];
  return {
    endpoints: {
      provider: 'embedded',
      reason,
      webhookUrl: stack.webhookUrl,
      healthUrl: stack.healthUrl,
      metricsUrl: stack.metricsUrl,
      details: { pids: [String(stack.pids.webhook), String(stack.pids.mock)], logFiles },
      // The worker running a spec reads the service's memory and CPU from the OS by this pid.
      servicePid: stack.pids.webhook,
    },
    async saveLogs(dir) {
      await mkdir(dir, { recursive: true });
      const saved: string[] = [];
      for (const file of logFiles) {
        const target = join(dir, `embedded-${basename(file)}`);
        await copyFile(file, target);
        saved.push(target);
      }
      return saved;
    },
    stop: () => stack.stop(),
  };
}
