import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../helpers/config/settings.ts';
import { PreflightError } from '../../helpers/service/preflight.ts';
import { formatSetupFailure, setupFailureError, setupFailureOf } from '../../helpers/vitest/perf-context.ts';

describe('a failed set-up', () => {
  it("the suite's errors cross as name and message (plain data), without a stack", () => {
    const failure = setupFailureOf(new ConfigError(['PERF_SCALE="abc": expected a number from 0.01 to 100']));
    expect(failure).toEqual({ name: 'ConfigError', message: expect.stringContaining('PERF_SCALE="abc"') });
    expect(structuredClone(failure)).toEqual(failure);
    expect(setupFailureOf(new PreflightError('Cannot reach')).stack).toBeUndefined();
  });

  it('an unexpected error keeps its stack (a bug needs it)', () => {
    const failure = setupFailureOf(new TypeError('x is undefined'));
    expect(failure.name).toBe('TypeError');
    expect(failure.stack).toContain('setup-failure.test.ts');
    expect(setupFailureOf('a string').message).toBe('a string');
  });

  it("each spec throws it with the suite's message and no frames of the fixture", () => {
    const error = setupFailureError({ name: 'ConfigError', message: 'bad' });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('The performance run did not start, no load was sent: bad');
    expect(error.stack).toBe('ConfigError: The performance run did not start, no load was sent: bad');
  });

  it('the message printed last names the error and says no load was sent', () => {
    const text = formatSetupFailure({ name: 'PreflightError', message: 'Cannot reach http://127.0.0.1:9/webhook/health' });
    expect(text).toContain('did not start (PreflightError); no load was sent');
    expect(text).toContain('PreflightError: Cannot reach http://127.0.0.1:9/webhook/health');
  });
});
