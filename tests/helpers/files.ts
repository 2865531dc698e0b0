// Writing files so that a reader never sees half of one.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const temporaryFor = (path: string): string => `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;

/** Writes `text` to `path` through a temporary file and a rename; creates the directory. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryFor(path);
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/**
 * writeFileAtomic without yielding to the event loop: for a process that may be made to exit
 * at its next turn (an interrupted Vitest worker whose main process is gone).
 */
export function writeFileAtomicSync(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryFor(path);
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
