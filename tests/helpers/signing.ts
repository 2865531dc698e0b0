// Webhook signatures: lowercase hex HMAC-SHA256 of the exact body bytes.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** A reusable HMAC key; cheaper than passing the secret string on every request. */
export function createSigningKey(secret: string | Buffer): KeyObject {
  return createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
}

/** Hex HMAC-SHA256 of `body` (a string is signed as its UTF-8 bytes). */
export function signBody(secret: string | Buffer | KeyObject, body: string | Buffer): string {
  const key = typeof secret === 'string' || Buffer.isBuffer(secret) ? createSigningKey(secret) : secret;
  return createHmac('sha256', key).update(body).digest('hex');
}
