import { describe, expect, it } from 'vitest';
import { classifyError, ErrorCode, errorClassName, RequestTimeoutError, RunStoppedError } from '../../helpers/errors.ts';

function withCode(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyError', () => {
  it.each([
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['UND_ERR_SOCKET', 'connection_reset'],
    ['EPIPE', 'connection_reset'],
    ['UND_ERR_ABORTED', 'aborted'],
    ['EWHATEVER', 'other'],
  ])('maps code %s to %s', (code, expected) => {
    expect(errorClassName(classifyError(withCode(code)), 0)).toBe(expected);
  });

  it('looks inside AggregateError members and cause chains', () => {
    const aggregate = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed');
    expect(classifyError(aggregate)).toBe(ErrorCode.connectionRefused);
    const wrapped = new TypeError('fetch failed', { cause: withCode('ECONNRESET') });
    expect(classifyError(wrapped)).toBe(ErrorCode.connectionReset);
  });

  it('knows its own timeout and stop errors, and names DOMException aborts', () => {
    expect(classifyError(new RequestTimeoutError(100))).toBe(ErrorCode.timeout);
    expect(classifyError(new RunStoppedError('test'))).toBe(ErrorCode.aborted);
    expect(classifyError(new DOMException('x', 'AbortError'))).toBe(ErrorCode.aborted);
    expect(classifyError('a string')).toBe(ErrorCode.other);
    expect(classifyError(undefined)).toBe(ErrorCode.other);
  });

  it('names HTTP failures by status', () => {
    expect(errorClassName(ErrorCode.http, 503)).toBe('http_503');
    expect(errorClassName(ErrorCode.none, 200)).toBeNull();
  });
});
