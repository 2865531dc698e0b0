// scripts/ci/detach.sh: a daemon started with start_detached must not keep its caller's
// pipes open. The CI of stop 9 hung for 90 minutes on exactly that: dockerd inherited the
// saved stdout of provision-docker.sh, so `eval "$(provision-docker.sh)"` never returned.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../support/processes.ts';

const run = promisify(execFile);
const DETACH = join(import.meta.dirname, '..', '..', '..', 'scripts', 'ci', 'detach.sh');
const started: number[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const pid of started.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs a script shaped like provision-docker.sh (stdout saved in fd 3, logs on stderr) and reads its stdout to EOF. */
async function readerTime(startDaemon: string): Promise<{ ms: number; pid: number; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'detach-'));
  dirs.push(dir);
  const log = join(dir, 'daemon.log');
  const script = `. ${JSON.stringify(DETACH)}; exec 3>&1 1>&2; ${startDaemon}; echo "pid=$DETACHED_PID" >&3`;
  const t0 = performance.now();
  const { stdout } = await run('bash', ['-c', script], { env: { ...process.env, LOG: log }, timeout: 20_000 });
  const pid = Number(/pid=(\d+)/.exec(stdout)?.[1]);
  started.push(pid);
  return { ms: performance.now() - t0, pid, log };
}

/** The process's open fds and what they point at. An fd that closes between the listing and its
 * readlink (the dynamic loader opens and closes libraries just after exec) is left out. */
function openFiles(pid: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      files[fd] = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return files;
}

describe('start_detached', () => {
  it("returns at once to a reader of the caller's stdout, while the daemon runs on in its own session holding no pipe", async () => {
    const { ms, pid, log } = await readerTime('start_detached "$LOG" bash -c "echo daemon up; exec sleep 30"');
    expect(ms).toBeLessThan(5_000);
    expect(isAlive(pid)).toBe(true);
    await expect.poll(() => readFileSync(log, 'utf8')).toContain('daemon up');
    // Read the process once it has become the daemon: before that the subshell is still closing fds
    // and exec'ing setsid (not yet a session leader), and while bash execs, the fds it holds come and go.
    await expect.poll(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('sleep');
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    expect(Number(fields[3])).toBe(pid); // session id: setsid made it a session leader
    const fds = openFiles(pid);
    expect(Object.values(fds).filter((target) => target.startsWith('pipe:'))).toEqual([]);
    expect(fds['1']).toBe(log);
  });

  it('control: a daemon started the plain way keeps the reader waiting until it exits', async () => {
    const { ms } = await readerTime('setsid sleep 1 >>"$LOG" 2>&1 </dev/null & DETACHED_PID=$!');
    expect(ms).toBeGreaterThan(700);
  });
});
