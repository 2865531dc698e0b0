// The performance specs run in one fixed order, whatever Vitest's cache holds
// (by default it runs failed and slow files first): standard, sustained, burst,
// profile, then the custom template, then any other spec by name. The specs share one service and
// its rate-limit window, so a stable order makes every run plan the same waits.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { specNameOf } from './spec-names.ts';

export const SPEC_ORDER = ['standard', 'sustained', 'burst', 'profile', 'custom'] as const;

/** Where a spec file goes: its place in SPEC_ORDER, or after them. */
export function specRank(file: string): number {
  const index = (SPEC_ORDER as readonly string[]).indexOf(specNameOf(file));
  return index === -1 ? SPEC_ORDER.length : index;
}

/** Pure: performance spec files in their fixed order (ties by path); other files keep their places. */
export function orderSpecFiles<T>(files: readonly T[], pathOf: (file: T) => string, isSpec: (file: T) => boolean): T[] {
  const specs = files.filter(isSpec).sort((a, b) => specRank(pathOf(a)) - specRank(pathOf(b)) || pathOf(a).localeCompare(pathOf(b)));
  let next = 0;
  return files.map((file) => (isSpec(file) ? (specs[next++] as T) : file));
}

export class SpecOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return orderSpecFiles(
      sorted,
      (file) => file.moduleId,
      (file) => file.project.name === 'performance',
    );
  }
}
