// compose: testcontainers brings docker-compose.yml up (building the image) and down.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DockerComposeEnvironment, Wait } from 'testcontainers';
import type { RunningStack } from './types.ts';

const run = promisify(execFile);

/** Service names in docker-compose.yml; testcontainers names containers `<service>-1`. */
export const COMPOSE_SERVICES = { webhook: 'webhook', mock: 'freshdesk-mock' } as const;
const WEBHOOK_PORT = 8801;

export interface ComposeOptions {
  root: string;
  composeFiles: string[];
  secret: string;
  reason: string;
  startupTimeoutMs?: number;
}

export async function composeStack(options: ComposeOptions): Promise<RunningStack> {
  const webhookName = `${COMPOSE_SERVICES.webhook}-1`;
  const mockName = `${COMPOSE_SERVICES.mock}-1`;
  const environment = await new DockerComposeEnvironment(options.root, options.composeFiles)
    .withBuild()
    .withEnvironment({ WEBHOOK_SECRET: options.secret })
    .withWaitStrategy(webhookName, Wait.forHealthCheck())
    .withWaitStrategy(mockName, Wait.forHealthCheck())
    .withStartupTimeout(options.startupTimeoutMs ?? 180_000)
    .up();

  const webhook = environment.getContainer(webhookName);
  const containers = [webhook, environment.getContainer(mockName)];
  const origin = webhookOrigin(webhook);
  let stopped = false;

  return {
    endpoints: {
      provider: 'compose',
      reason: options.reason,
      webhookUrl: `${origin}/webhook/freshdesk`,
      healthUrl: `${origin}/webhook/health`,
      metricsUrl: `${origin}/webhook/metrics`,
      details: {
        composeFiles: options.composeFiles,
        containerIds: containers.map((container) => container.getId()),
      },
    },
    async saveLogs(dir) {
      await mkdir(dir, { recursive: true });
      const saved: string[] = [];
      for (const container of containers) {
        const file = join(dir, `compose-${container.getName().replace(/^\//, '')}.log`);
        const { stdout, stderr } = await run('docker', ['logs', container.getId()], { timeout: 15_000, maxBuffer: 64 * 1024 * 1024 });
        await writeFile(file, stdout + stderr);
        saved.push(file);
      }
      return saved;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await environment.down({ timeout: 10_000, removeVolumes: true });
    },
  };
}

/** With a published port, the mapped one; with host networking (no mapping), the service's own port on loopback. */
function webhookOrigin(container: { getHost(): string; getMappedPort(port: number): number }): string {
  let port = WEBHOOK_PORT;
  try {
    port = container.getMappedPort(WEBHOOK_PORT);
  } catch {
    // network_mode: host publishes nothing; the service listens on 127.0.0.1:8801 itself.
  }
  const host = container.getHost();
  return `http://${host === 'localhost' ? '127.0.0.1' : host}:${port}`;
}
