// A spec's name is its file name without `.spec.ts`: tests/performance/burst.spec.ts
// is `burst`. It names the spec's report, its ticket-id block and its place in the order.
import { basename } from 'node:path';

export function specNameOf(file: string): string {
  return basename(file).replace(/\.spec\.[cm]?[jt]s$/, '');
}
