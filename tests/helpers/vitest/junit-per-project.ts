// A Vitest reporter that writes one JUnit file per project that ran (unit, reliability,
// performance), so a unit run never overwrites a performance run's file. Vitest's reporters are
// global to the run; this one groups the finished test modules by project and hands each group
// to Vitest's own JUnitReporter, so the XML is Vitest's.
//
// Where the files go: `--outputFile.junit=<path>` (or the `outputFile` option) when given,
// else reports/junit-{project}.xml. In the path, `{project}` is the project's name; a path
// ending in `/` is a directory (<dir>/junit-{project}.xml); a path without `{project}` is used
// as it is when one project ran, and gets `-<project>` before its extension when several did.
import { JUnitReporter, type JUnitOptions, type Reporter, type TestModule, type Vitest } from 'vitest/node';

export const DEFAULT_JUNIT_FILE = 'reports/junit-{project}.xml';

const PROJECT = '{project}';

/** The modules grouped by project name, projects in the order they first appear. */
export function groupByProject<T>(modules: readonly T[], projectOf: (module: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const module of modules) {
    const name = projectOf(module);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [module]);
    else group.push(module);
  }
  return groups;
}

/** A project name as it can appear in a file name ("" for an unnamed project is "default"). */
export function projectFileName(project: string): string {
  const safe = project.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|-+$/g, '');
  return safe === '' ? 'default' : safe;
}

/**
 * The JUnit file of each project, by the rules at the top of this file. The names are distinct
 * whenever the project names are (after projectFileName).
 */
export function junitFiles(template: string, projects: readonly string[]): Map<string, string> {
  let pattern = template.endsWith('/') ? `${template}junit-${PROJECT}.xml` : template;
  if (!pattern.includes(PROJECT) && projects.length > 1) {
    const slash = pattern.lastIndexOf('/');
    const dot = pattern.lastIndexOf('.');
    const at = dot > slash + 1 ? dot : pattern.length;
    pattern = `${pattern.slice(0, at)}-${PROJECT}${pattern.slice(at)}`;
  }
  return new Map(projects.map((project) => [project, pattern.replaceAll(PROJECT, projectFileName(project))]));
}

export type JUnitPerProjectOptions = Omit<JUnitOptions, 'outputFile'> & {
  /** The default path; `--outputFile.junit` overrides it. */
  outputFile?: string;
};

export class JUnitPerProjectReporter implements Reporter {
  private ctx: Vitest | undefined;

  constructor(private readonly options: JUnitPerProjectOptions = {}) {}

  onInit(ctx: Vitest): void {
    this.ctx = ctx;
  }

  async onTestRunEnd(testModules: readonly TestModule[]): Promise<void> {
    const ctx = this.ctx;
    if (ctx === undefined) return;
    const groups = groupByProject(testModules, (module) => module.project.name);
    const files = junitFiles(junitTemplate(ctx, this.options.outputFile), [...groups.keys()]);
    for (const [project, modules] of groups) {
      const junit = new JUnitReporter({
        suiteName: project === '' ? undefined : project,
        ...this.options,
        outputFile: files.get(project),
      });
      await junit.onInit(ctx);
      await junit.onTestRunEnd(modules);
    }
  }
}

/** `--outputFile.junit` (or a plain `--outputFile`), else the configured path, else the default. */
export function junitTemplate(ctx: Pick<Vitest, 'config'>, configuredDefault?: string): string {
  const configured = ctx.config.outputFile;
  const fromConfig = typeof configured === 'string' ? configured : configured?.junit;
  return fromConfig ?? configuredDefault ?? DEFAULT_JUNIT_FILE;
}
