// Result files on disk: writing one beside a run's report, and finding and reading
// those a merge is given (files, or directories searched to any depth, as CI
// artifacts arrive in folders of their own). The I/O of the merge part.
import { readdirSync, readFileSync, realpathSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MergeError, type ResultPart } from './merge.ts';
import { RESULT_SUFFIX, resultProblem, type RunResult } from './result.ts';

/** Writes `result` to DIR/NAME (the directory made if needed) and returns the path. */
export function writeRunResult(dir: string, name: string, result: RunResult): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(result)}\n`);
  return path;
}

function resultFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return resultFilesUnder(path);
      return entry.isFile() && entry.name.endsWith(RESULT_SUFFIX) ? [path] : [];
    });
}

/**
 * Every result named by `paths` (files, or directories searched for *.result.json), each file once
 * however often it is named (a directory and a file in it); MergeError on what cannot be read.
 */
export function readRunResults(paths: readonly string[]): ResultPart[] {
  if (paths.length === 0) throw new MergeError(`give the result files (*${RESULT_SUFFIX}) or the directories holding them`);
  const files = paths.flatMap((path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) throw new MergeError(`${path}: no such file or directory`);
    if (!stat.isDirectory()) return [path];
    const found = resultFilesUnder(path);
    if (found.length === 0)
      throw new MergeError(`${path}: no *${RESULT_SUFFIX} file in it (each npm run load writes one to its --report-dir)`);
    return found;
  });
  const seen = new Set<string>();
  const once = files.filter((file) => {
    const real = realpathSync(file);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
  return once.map((file) => {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new MergeError(`${file}: not readable JSON (${(error as Error).message})`);
    }
    const problem = resultProblem(value);
    if (problem !== null) throw new MergeError(`${file}: ${problem}`);
    return { source: file, result: value as RunResult };
  });
}
