// The JUnit an interrupted run leaves: it parses, and the test the signal cut short is a failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interruptedJUnit } from '../../helpers/vitest/interrupt-reporter.ts';

describe('interruptedJUnit', () => {
  it('keeps what finished and fails what the signal cut short, escaping names', () => {
    const text = interruptedJUnit(
      'performance',
      [
        { name: 'tests/performance/standard.spec.ts', tests: [{ name: 'Load > keeps "P95" < 5000 ms', state: 'pass', durationMs: 1500 }] },
        {
          name: 'tests/performance/burst.spec.ts',
          tests: [
            { name: 'serves all 50 & more', state: 'fail', error: 'expected 2 to be 0' },
            { name: 'activation', state: 'skip' },
            { name: 'recovers', state: 'unfinished' },
          ],
        },
      ],
      'SIGINT',
    );
    expect(text).toContain('<testsuites name="performance" tests="4" failures="2" errors="0">');
    expect(text).toContain('name="Load &gt; keeps &quot;P95&quot; &lt; 5000 ms" time="1.500"/>');
    expect(text).toContain('<failure message="interrupted (SIGINT) before this test finished"/>');
    expect(text).toContain('<failure message="expected 2 to be 0"/>');
    expect(text).toContain('<skipped/>');
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    writeFileSync(join(dir, 'j.xml'), text);
    const parsed = execFileSync(
      'python3',
      [
        '-c',
        'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(len(r.iter("testcase").__next__().attrib))',
        join(dir, 'j.xml'),
      ],
      { encoding: 'utf8' },
    );
    expect(Number(parsed)).toBe(3); // classname, name, time: it parses
  });
});
