// Every error answer is JSON `{code, message}`. This maps what can go wrong to those answers.
import { FreshdeskError } from './freshdesk-client.ts';
import { INVALID_PAYLOAD_MESSAGE } from './payload.ts';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

export interface ErrorAnswer {
  statusCode: number;
  body: { code: string; message: string; detail?: string };
  headers: Record<string, string | number>;
}

const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Content-Type must be application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'request body is larger than the limit'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length', 'Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_TYPE: [415, 'unsupported_media_type', 'Content-Type must be application/json'],
};

export function errorAnswer(error: unknown, bodyLimitBytes: number): ErrorAnswer {
  if (error instanceof HttpError) {
    return { statusCode: error.statusCode, body: { code: error.code, message: error.message }, headers: error.headers };
  }
  if (error instanceof FreshdeskError) {
    if (error.failure === 'timeout') return { statusCode: 504, body: { code: 'freshdesk_timeout', message: error.message }, headers: {} };
    if (error.failure === 'circuit_open') {
      const retryAfter = Math.max(1, Math.ceil((error.retryAfterMs ?? 0) / 1000));
      return { statusCode: 502, body: { code: 'freshdesk_unavailable', message: error.message }, headers: { 'retry-after': retryAfter } };
    }
    return { statusCode: 502, body: { code: 'freshdesk_error', message: error.message }, headers: {} };
  }
  const e = error as { code?: string; statusCode?: number; validation?: unknown; message?: string };
  if (e.validation) {
    return { statusCode: 422, body: { code: 'invalid_payload', message: INVALID_PAYLOAD_MESSAGE, detail: e.message }, headers: {} };
  }
  const known = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (known) {
    const [statusCode, code, message] = known;
    const full = statusCode === 413 ? `${message} (${bodyLimitBytes} bytes; BODY_LIMIT_BYTES)` : message;
    return { statusCode, body: { code, message: full }, headers: {} };
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { statusCode: e.statusCode, body: { code: 'bad_request', message: e.message ?? 'bad request' }, headers: {} };
  }
  return { statusCode: 500, body: { code: 'internal_error', message: 'internal error; see the service log' }, headers: {} };
}
