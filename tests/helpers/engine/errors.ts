// Classification of request failures into a few stable classes that reports
// and assertions can count on, whatever undici or Node call the error. The
// engine's own outcomes (a timeout, a stopped run) are recorded with their code
// directly; classifyError is only for errors that come from undici or Node.

/** Numeric codes stored per request (one byte each, see samples.ts). */
export const ErrorCode = {
  none: 0,
  /** The server answered with a status `isSuccess` rejects; the class is `http_<status>`. */
  http: 1,
  timeout: 2,
  connectionRefused: 3,
  connectionReset: 4,
  aborted: 5,
  other: 6,
  /** A status `isSuccess` accepted, with a body the `checkBody` option rejected; the status is kept. */
  badBody: 7,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** `timeout`, `connection_refused`, `connection_reset`, `aborted`, `bad_body`, `other` or `http_<status>`. */
export type ErrorClass = 'timeout' | 'connection_refused' | 'connection_reset' | 'aborted' | 'bad_body' | 'other' | `http_${number}`;

const CODE_BY_ERROR_CODE: Record<string, ErrorCode> = {
  UND_ERR_CONNECT_TIMEOUT: ErrorCode.timeout,
  UND_ERR_HEADERS_TIMEOUT: ErrorCode.timeout,
  UND_ERR_BODY_TIMEOUT: ErrorCode.timeout,
  ETIMEDOUT: ErrorCode.timeout,
  ECONNREFUSED: ErrorCode.connectionRefused,
  ECONNRESET: ErrorCode.connectionReset,
  EPIPE: ErrorCode.connectionReset,
  ECONNABORTED: ErrorCode.connectionReset,
  // undici's "other side closed" / "socket hang up"
  UND_ERR_SOCKET: ErrorCode.connectionReset,
  UND_ERR_ABORTED: ErrorCode.aborted,
  ABORT_ERR: ErrorCode.aborted,
  UND_ERR_DESTROYED: ErrorCode.aborted,
  UND_ERR_CLOSED: ErrorCode.aborted,
};

const CODE_BY_NAME: Record<string, ErrorCode> = {
  TimeoutError: ErrorCode.timeout,
  AbortError: ErrorCode.aborted,
};

/** Maps any thrown value (undici error, Node system error, AggregateError, cause chain) to a code. */
export function classifyError(error: unknown): ErrorCode {
  // Walk the cause chain and AggregateError members (Node's happy-eyeballs connect
  // reports one error per address); the first recognisable one wins.
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 16; seen++) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null) continue;
    const { code, name, cause, errors } = current as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && code in CODE_BY_ERROR_CODE) return CODE_BY_ERROR_CODE[code] as ErrorCode;
    if (typeof name === 'string' && name in CODE_BY_NAME) return CODE_BY_NAME[name] as ErrorCode;
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return ErrorCode.other;
}

/** The class name of a stored code; `status` is needed for `http_<status>`. */
export function errorClassName(code: ErrorCode, status: number): ErrorClass | null {
  switch (code) {
    case ErrorCode.none:
      return null;
    case ErrorCode.http:
      return `http_${status}`;
    case ErrorCode.timeout:
      return 'timeout';
    case ErrorCode.connectionRefused:
      return 'connection_refused';
    case ErrorCode.connectionReset:
      return 'connection_reset';
    case ErrorCode.aborted:
      return 'aborted';
    case ErrorCode.badBody:
      return 'bad_body';
    default:
      return 'other';
  }
}

/**
 * The one rule of which requests have a latency: those that got an answer of any status
 * (a success, `http_<status>`, `bad_body`) or timed out (a lower bound). Refused, reset and
 * cancelled requests have none.
 */
export function codeHasLatency(code: ErrorCode): boolean {
  return code === ErrorCode.none || code === ErrorCode.http || code === ErrorCode.badBody || code === ErrorCode.timeout;
}

const CODE_BY_CLASS: Record<string, ErrorCode> = {
  timeout: ErrorCode.timeout,
  connection_refused: ErrorCode.connectionRefused,
  connection_reset: ErrorCode.connectionReset,
  aborted: ErrorCode.aborted,
  bad_body: ErrorCode.badBody,
  other: ErrorCode.other,
};

/** codeHasLatency for a class name as the reports keep it (null = success). */
export function classHasLatency(errorClass: string | null): boolean {
  if (errorClass === null) return codeHasLatency(ErrorCode.none);
  if (errorClass.startsWith('http_')) return codeHasLatency(ErrorCode.http);
  return codeHasLatency(CODE_BY_CLASS[errorClass] ?? ErrorCode.other);
}

/** A short human message for an error, for the summary's first-errors list. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e) => describeError(e)).join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
