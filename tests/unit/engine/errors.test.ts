import { describe, expect, it } from 'vitest';
import { classHasLatency, classifyError, ErrorCode, errorClassName } from '../../helpers/engine/errors.ts';

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

  it('names timeouts and aborts by error name, and anything unknown other', () => {
    expect(classifyError(new DOMException('x', 'TimeoutError'))).toBe(ErrorCode.timeout);
    expect(classifyError(new DOMException('x', 'AbortError'))).toBe(ErrorCode.aborted);
    expect(classifyError('a string')).toBe(ErrorCode.other);
    expect(classifyError(undefined)).toBe(ErrorCode.other);
  });

  it('names HTTP failures by status', () => {
    expect(errorClassName(ErrorCode.http, 503)).toBe('http_503');
    expect(errorClassName(ErrorCode.none, 200)).toBeNull();
  });

  it('names a rejected body bad_body, whatever its status', () => {
    expect(errorClassName(ErrorCode.badBody, 200)).toBe('bad_body');
    expect(errorClassName(ErrorCode.badBody, 201)).toBe('bad_body');
  });

  it('gives a latency to answered and timed-out classes only', () => {
    for (const name of [null, 'timeout', 'bad_body', 'http_500']) expect(classHasLatency(name)).toBe(true);
    for (const name of ['connection_refused', 'connection_reset', 'aborted', 'other']) expect(classHasLatency(name)).toBe(false);
  });
});
