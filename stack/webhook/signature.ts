// X-Freshdesk-Signature: lowercase hex HMAC-SHA256 of the exact request bytes, keyed with
// WEBHOOK_SECRET. Compared in constant time on equal-length buffers.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-freshdesk-signature';

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function sign(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function signatureMatches(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !HEX_SHA256.test(header)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(header, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
