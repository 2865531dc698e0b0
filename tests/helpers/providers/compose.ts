// compose: testcontainers brings docker-compose.yml up (building the image) and down.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
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

/** The compose stack did not come up; the message says what to set instead. */
export class ComposeError extends Error {
  override name = 'ComposeError';
}

/** The host-network variant the repository has, for machines without bridge networking. */
export const HOST_NETWORK_FILES = 'docker-compose.yml,docker-compose.host.yml';

/** What to do when testcontainers could not bring the compose stack up (pure: from the error's text). */
export function composeFailureFix(message: string, composeFiles: readonly string[]): string {
  const embedded = 'WEBHOOK_STACK=embedded runs the reference stack as child processes, without Docker';
  if (/Could not find a working container runtime strategy/i.test(message)) {
    return (
      'No Docker engine answers (testcontainers found no container runtime: DOCKER_HOST, /var/run/docker.sock). ' +
      `Start one, or set ${embedded}.`
    );
  }
  if (/network bridge not found|bridge.*not found|--bridge=none/i.test(message)) {
    const hostFiles = composeFiles.includes('docker-compose.host.yml');
    return hostFiles
      ? `The engine has no bridge network, and ${composeFiles.join(',')} still asked for one. Set ${embedded}.`
      : `The Docker engine has no bridge network (dockerd --bridge=none). Add the host-network variant: ` +
          `WEBHOOK_COMPOSE_FILES=${HOST_NETWORK_FILES}, or set ${embedded}.`;
  }
  return `Check \`docker compose -f ${composeFiles.join(' -f ')} up --build\` by hand, or set ${embedded}.`;
}

export async function composeStack(options: ComposeOptions): Promise<RunningStack> {
  const webhookName = `${COMPOSE_SERVICES.webhook}-1`;
  const mockName = `${COMPOSE_SERVICES.mock}-1`;
  let environment: StartedDockerComposeEnvironment;
  try {
    environment = await new DockerComposeEnvironment(options.root, options.composeFiles)
      .withBuild()
      .withEnvironment({ WEBHOOK_SECRET: options.secret })
      .withWaitStrategy(webhookName, Wait.forHealthCheck())
      .withWaitStrategy(mockName, Wait.forHealthCheck())
      .withStartupTimeout(options.startupTimeoutMs ?? 180_000)
      .up();
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const firstLines = message.split('\n').slice(0, 6).join('\n  ');
    throw new ComposeError(
      `The compose stack (${options.composeFiles.join(', ')}) did not come up: ${firstLines}\n${composeFailureFix(message, options.composeFiles)}`,
      { cause: error },
    );
  }

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
      // The worker running a spec reads the service's memory and CPU from Docker's stats of it.
      serviceContainerId: webhook.getId(),
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
