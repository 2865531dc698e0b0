// Writing files so that a reader never sees half of one.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const temporaryFor = (path: string): string => `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;

/**
 * Writes `text` to `path` through a temporary file and a rename; creates the directory. Without
 * yielding to the event loop: the same call serves a report written as a phase ends and one
 * written by a worker that Ctrl-C may end at its next turn.
 */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryFor(path);
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}
