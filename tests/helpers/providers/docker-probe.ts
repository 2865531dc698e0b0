// Does a Docker engine with Compose v2 answer here? Asked quickly, never hangs.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'undici';

const run = promisify(execFile);

/** Where the Docker API listens: DOCKER_HOST (unix:// or tcp://), else the default socket. */
export function dockerApiTarget(dockerHost = process.env.DOCKER_HOST): { origin: string; socketPath?: string } {
  if (!dockerHost) return { origin: 'http://localhost', socketPath: '/var/run/docker.sock' };
  if (dockerHost.startsWith('unix://')) return { origin: 'http://localhost', socketPath: dockerHost.slice('unix://'.length) };
  return { origin: dockerHost.replace(/^tcp:\/\//, 'http://') };
}

export async function dockerEngineAnswers(timeoutMs = 2000): Promise<{ ok: boolean; detail: string }> {
  const target = dockerApiTarget();
  const client = new Client(target.origin, {
    ...(target.socketPath ? { socketPath: target.socketPath } : {}),
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const where = target.socketPath ?? target.origin;
  try {
    const response = await client.request({ method: 'GET', path: '/_ping' });
    const body = await response.body.text();
    return response.statusCode === 200
      ? { ok: true, detail: `Docker engine at ${where}` }
      : { ok: false, detail: `Docker engine at ${where} answered ${response.statusCode} ${body.slice(0, 80)}` };
  } catch (error) {
    return { ok: false, detail: `no Docker engine at ${where} (${(error as Error).message})` };
  } finally {
    await client.close().catch(() => {});
  }
}

/** The Compose v2 plugin's version, or why there is none (testcontainers 11 needs v2). */
export async function composeV2Version(timeoutMs = 5000): Promise<{ ok: boolean; detail: string }> {
  try {
    const { stdout } = await run('docker', ['compose', 'version', '--short'], { timeout: timeoutMs });
    const version = stdout.trim().replace(/^v/, '');
    const major = Number(version.split('.')[0]);
    return major >= 2
      ? { ok: true, detail: `Compose ${version}` }
      : { ok: false, detail: `Compose ${version} is too old: testcontainers needs Compose v2` };
  } catch (error) {
    return { ok: false, detail: `no Compose v2 plugin (\`docker compose version\` failed: ${(error as Error).message.split('\n')[0]})` };
  }
}
