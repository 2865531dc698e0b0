// One JUnit file per project: how finished modules are grouped and where each group's file goes.
import { describe, expect, it } from 'vitest';
import { DEFAULT_JUNIT_FILE, groupByProject, junitFiles, projectFileName } from '../../helpers/vitest/junit-per-project.ts';

describe('groupByProject', () => {
  it('groups modules by project, projects in the order they first finished, modules in theirs', () => {
    const modules = [
      { file: 'a.test.ts', project: 'unit' },
      { file: 'standard.spec.ts', project: 'performance' },
      { file: 'b.test.ts', project: 'unit' },
      { file: 'faults.test.ts', project: 'reliability' },
    ];
    const groups = groupByProject(modules, (m) => m.project);
    expect([...groups.keys()]).toEqual(['unit', 'performance', 'reliability']);
    expect(groups.get('unit')?.map((m) => m.file)).toEqual(['a.test.ts', 'b.test.ts']);
    expect(groups.get('performance')?.map((m) => m.file)).toEqual(['standard.spec.ts']);
  });

  it('has no group when nothing ran', () => {
    expect(groupByProject([], () => 'unit').size).toBe(0);
  });
});

describe('junitFiles', () => {
  it('by default writes reports/junit-<project>.xml, so a unit run and a performance run keep separate files', () => {
    expect(DEFAULT_JUNIT_FILE).toBe('reports/junit-{project}.xml');
    expect(junitFiles(DEFAULT_JUNIT_FILE, ['unit'])).toEqual(new Map([['unit', 'reports/junit-unit.xml']]));
    expect(junitFiles(DEFAULT_JUNIT_FILE, ['performance'])).toEqual(new Map([['performance', 'reports/junit-performance.xml']]));
  });

  it('puts the project where the template says, wherever it is', () => {
    const files = junitFiles('reports/junit-{project}-strict-2.xml', ['performance', 'unit']);
    expect(files.get('performance')).toBe('reports/junit-performance-strict-2.xml');
    expect(files.get('unit')).toBe('reports/junit-unit-strict-2.xml');
  });

  it('uses a path without {project} as it is when one project ran', () => {
    expect(junitFiles('reports/junit-performance-compose.xml', ['performance']).get('performance')).toBe(
      'reports/junit-performance-compose.xml',
    );
  });

  it('adds -<project> before the extension of such a path when several projects ran, so none overwrites another', () => {
    const files = junitFiles('out/run.v2/results.xml', ['unit', 'reliability']);
    expect([...files.values()]).toEqual(['out/run.v2/results-unit.xml', 'out/run.v2/results-reliability.xml']);
    expect(junitFiles('out/results', ['unit', 'reliability']).get('unit')).toBe('out/results-unit');
  });

  it('reads a path ending in / as a directory', () => {
    expect(junitFiles('reports/ci/', ['unit', 'performance'])).toEqual(
      new Map([
        ['unit', 'reports/ci/junit-unit.xml'],
        ['performance', 'reports/ci/junit-performance.xml'],
      ]),
    );
  });

  it('gives distinct names to distinct projects, unnamed and odd names included', () => {
    const projects = ['', 'e2e/chrome', 'perf..x'];
    const names = [...junitFiles(DEFAULT_JUNIT_FILE, projects).values()];
    expect(names).toEqual(['reports/junit-default.xml', 'reports/junit-e2e-chrome.xml', 'reports/junit-perf..x.xml']);
    expect(projectFileName('../up')).toBe('up');
  });
});
