// The memory and CPU of a service this run started as a child process (the embedded stack),
// read from the OS: on Linux /proc/<pid>/status (VmRSS) and /proc/<pid>/stat (utime, stime);
// elsewhere `ps -o rss= -p <pid>` (memory only). Parsing is pure; reading is at the edge.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { SourceRead } from './prometheus.ts';

const run = promisify(execFile);
const KB = 1024;
/** USER_HZ: /proc reports CPU time in these ticks, 100 a second on Linux's ABI. */
const TICKS_PER_SECOND = 100;

/** Pure: VmRSS of a /proc/<pid>/status, in bytes (undefined when absent: a zombie or a kernel thread). */
export function rssFromProcStatus(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * KB : undefined;
}

/** Pure: user + system CPU seconds of a /proc/<pid>/stat (fields 14 and 15; the name in parentheses may hold spaces). */
export function cpuSecondsFromProcStat(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isInteger(utime) && Number.isInteger(stime) ? (utime + stime) / TICKS_PER_SECOND : undefined;
}

/** Pure: `ps -o rss=` prints the resident set in KiB. */
export function rssFromPs(output: string): number | undefined {
  const kb = Number(output.trim());
  return output.trim() !== '' && Number.isFinite(kb) ? kb * KB : undefined;
}

/** Reads a process's memory and CPU; never throws. */
export async function readProcess(pid: number, platform: NodeJS.Platform = process.platform): Promise<SourceRead> {
  try {
    if (platform === 'linux') {
      const [status, stat] = await Promise.all([readFile(`/proc/${pid}/status`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
      const rssBytes = rssFromProcStatus(status);
      if (rssBytes === undefined) return { ok: false, reason: `/proc/${pid}/status has no VmRSS (has the process exited?)` };
      const cpuSeconds = cpuSecondsFromProcStat(stat);
      return { ok: true, figures: cpuSeconds === undefined ? { rssBytes } : { rssBytes, cpuSeconds } };
    }
    const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)], { timeout: 5000 });
    const rssBytes = rssFromPs(stdout);
    return rssBytes === undefined ? { ok: false, reason: `ps gave no RSS for pid ${pid}` } : { ok: true, figures: { rssBytes } };
  } catch (error) {
    return { ok: false, reason: `pid ${pid} could not be read (has the process exited?): ${(error as Error).message}` };
  }
}
