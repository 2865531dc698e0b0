// Running the suite's own Vitest as a child process, as a user would, from the tests that
// check whole runs (real services, capacity, interrupts, the README's example).
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

export const ROOT = resolve(import.meta.dirname, '..', '..');
/** Vitest's own entry point, run with this Node. */
export const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** This process's environment without the parent Vitest's own variables, plus `settings`. */
export function childEnv(settings: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('VITEST') && !key.startsWith('TINYPOOL')) env[key] = value;
  }
  return Object.assign(env, settings);
}

/** `vitest run <args>` in a child, killed after `timeoutMs`; its exit code, output without colour codes, and time. */
export async function runVitest(args: string[], env: Record<string, string>, timeoutMs: number) {
  const started = performance.now();
  const child = spawn(process.execPath, [VITEST, 'run', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
  clearTimeout(timer);
  return { code, output: stripVTControlCharacters(output), seconds: (performance.now() - started) / 1000 };
}
