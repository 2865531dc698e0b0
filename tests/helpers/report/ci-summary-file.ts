// The file edge of the CI summary: `<dir>/summary.md` (atomically), and the same
// Markdown appended to the file GitHub Actions names in GITHUB_STEP_SUMMARY, which
// it shows on the run's page.
import { appendFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../files.ts';
import { renderCiSummary, type CiSummaryArtifacts, type CiSummaryOptions } from './ci-summary.ts';
import type { SpecReport } from '../model/index.ts';

export interface CiSummaryFileOptions extends Omit<CiSummaryOptions, 'artifacts'> {
  /** JUnit files of the run (absolute, or relative to the working directory); linked relative to `dir`. */
  junitFiles?: readonly string[];
  /** Replaces the default links (index.html and each spec's JSON beside summary.md, and the JUnit files). */
  artifacts?: CiSummaryArtifacts;
  /** Where GITHUB_STEP_SUMMARY is read from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface CiSummaryWritten {
  /** `<dir>/summary.md` */
  path: string;
  /** The GITHUB_STEP_SUMMARY file appended to, if it was set. */
  stepSummary?: string;
}

/** Paths with `/` whatever the platform: they are links. */
const link = (from: string, to: string) => relative(from, to).split('\\').join('/');

/** Writes `<dir>/summary.md` and appends it to $GITHUB_STEP_SUMMARY when that is set. */
export function writeCiSummary(dir: string, reports: readonly SpecReport[], options: CiSummaryFileOptions = {}): CiSummaryWritten {
  const { junitFiles = [], env = process.env, artifacts, ...rest } = options;
  const ordered = [...reports].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const absolute = resolve(dir);
  const base = link(process.cwd(), absolute);
  const markdown = renderCiSummary(ordered, {
    ...rest,
    artifacts: artifacts ?? {
      index: 'index.html',
      specs: Object.fromEntries(ordered.map((r) => [r.spec, `${r.spec}.json`])),
      junit: junitFiles.map((file) => link(absolute, isAbsolute(file) ? file : resolve(file))),
      base: base === '' ? '.' : base,
    },
  });
  const path = join(absolute, 'summary.md');
  writeFileAtomic(path, markdown);
  const stepSummary = env.GITHUB_STEP_SUMMARY;
  if (stepSummary === undefined || stepSummary === '') return { path };
  // Several steps (or several Vitest runs in one step) may append: each summary stands apart.
  appendFileSync(stepSummary, `${markdown.endsWith('\n') ? markdown : `${markdown}\n`}\n`);
  return { path, stepSummary };
}
