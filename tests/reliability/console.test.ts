// The performance run's console as a person sees it: progress printed by the suite, never under
// a Vitest "stdout | file > test" header; one line per running phase, rewritten in place, in a
// terminal (run under a pseudo-terminal by util-linux's `script`); plain lines every few seconds
// in a pipe, as CI sees it.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { childEnv, ROOT, VITEST } from '../support/child-vitest.ts';

const REWRITE = '\u001b[1A\u001b[2K';

/** The custom spec (30 requests at 2/s: two progress snapshots) on the embedded stack; raw output, escapes kept. */
async function customSpec(terminal: boolean): Promise<{ code: number | null; raw: string }> {
  const env = childEnv({
    WEBHOOK_STACK: 'embedded',
    PERF_REPORT_DIR: mkdtempSync(join(tmpdir(), 'console-')),
    PERF_BASELINE: '',
    CUSTOM_REQUESTS: '30',
    CUSTOM_REQUESTS_PER_SECOND: '2',
  });
  if (terminal) delete env.CI;
  const vitest = `${JSON.stringify(process.execPath)} ${JSON.stringify(VITEST)} run tests/performance/custom.spec.ts`;
  const [command, args] = terminal
    ? ['script', ['-qfec', vitest, '/dev/null']]
    : [process.execPath, [VITEST, 'run', 'tests/performance/custom.spec.ts']];
  const child = spawn(command, args as string[], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
  child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  clearTimeout(timer);
  return { code, raw };
}

describe("the suite's own console", () => {
  it("in a terminal: no Vitest header above the lines, and the phase's progress rewritten in place", async () => {
    const { code, raw } = await customSpec(true);
    const text = stripVTControlCharacters(raw);
    expect(code, text).toBe(0);
    expect(text).not.toContain('stdout |');
    const progress = raw.split(/\r?\n/).filter((line) => line.includes('[perf] custom/load: sent'));
    expect(progress.length, text).toBeGreaterThanOrEqual(2);
    // The first line of the phase is printed; each later one moves up and replaces it.
    expect(progress[0]).not.toContain(REWRITE);
    for (const line of progress.slice(1)) expect(line).toContain(REWRITE);
    expect(text).toMatch(
      /\[perf\] custom\/load: sent \d+ of 30, answered \d+ \(0 failed\), \d+ in flight; P95 [\d.]+ ms over the last 5\.0 s \(\d+ answers\); [\d.]+ s left/,
    );
  }, 150_000);

  it('in a pipe (CI): plain progress lines every few seconds, no escapes, no Vitest header', async () => {
    const { code, raw } = await customSpec(false);
    expect(code, raw).toBe(0);
    expect(raw).not.toContain('stdout |');
    expect(raw).not.toContain(REWRITE);
    const progress = raw.split('\n').filter((line) => line.startsWith('[perf] custom/load: sent'));
    expect(progress.length, raw).toBeGreaterThanOrEqual(2);
  }, 150_000);
});
