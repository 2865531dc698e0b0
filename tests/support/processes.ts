// Process checks shared by the tests that start and stop real processes.
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Alive and not a zombie (a zombie has exited; reaping it is its new parent's job). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !existsSync(stat) || !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
}

/** Waits (bounded) until none of `pids` is alive; true when they all went. */
export async function waitGone(pids: number[], withinMs: number, pollMs = 50): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(pollMs);
  return !pids.some(isAlive);
}
