import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BodySigner, createSigningKey, signBody } from '../../helpers/engine/signing.ts';

describe('signBody (hex HMAC-SHA256)', () => {
  it('matches RFC 4231 test case 2', () => {
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  // Reference values from `printf '%s' BODY | openssl dgst -sha256 -hmac test_secret_key_12345`.
  it('signs a known webhook body with the test secret', () => {
    const body = '{"ticket_id":"1000","event":"ticket_created"}';
    expect(signBody('test_secret_key_12345', body)).toBe('7b14c09e5f398eaa65d717d888c6e98ebf8fcaad88197b5b79d06ea51b13111c');
  });

  it('signs the UTF-8 bytes of non-ASCII text, whether given a string or a Buffer', () => {
    const text = '{"ticket_subject":"Rückerstattung €"}';
    const expected = 'e6a8eabcfea49f0ada0d1e081520da3e11ad7bafc3e93661d0e8e91720cb72b5';
    expect(signBody('test_secret_key_12345', text)).toBe(expected);
    expect(signBody('test_secret_key_12345', Buffer.from(text, 'utf8'))).toBe(expected);
  });

  it('gives the same result with a reusable KeyObject, and differs for another secret or body', () => {
    const key = createSigningKey('test_secret_key_12345');
    const body = Buffer.from('{"a":1}');
    expect(signBody(key, body)).toBe(signBody('test_secret_key_12345', body));
    expect(signBody(key, body)).not.toBe(signBody('other_secret', body));
    expect(signBody(key, body)).not.toBe(signBody(key, Buffer.from('{"a":2}')));
    expect(signBody(key, body)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('BodySigner (the hot-path HMAC)', () => {
  // Deterministic pseudo-random bytes, so a failure is reproducible.
  const bytes = (length: number, seed: number) => Buffer.from(Array.from({ length }, (_, i) => (i * 131 + seed * 17 + 7) % 256));

  it('equals createHmac for keys shorter than, equal to and longer than the 64-byte block', () => {
    for (const keyLength of [1, 21, 63, 64, 65, 200]) {
      const key = bytes(keyLength, keyLength);
      const signer = new BodySigner(key);
      for (const bodyLength of [0, 1, 55, 56, 64, 119, 513, 3000, 20]) {
        const body = bytes(bodyLength, bodyLength + 1);
        expect(signer.sign(body), `key ${keyLength} B, body ${bodyLength} B`).toBe(createHmac('sha256', key).update(body).digest('hex'));
      }
    }
  });

  it('equals createHmac for random keys and bodies, one signer across changing body lengths', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const random = (length: number) => Buffer.from(Array.from({ length }, () => next() % 256));
    for (let k = 0; k < 20; k++) {
      const key = random(1 + (next() % 150));
      const signer = new BodySigner(key);
      for (let b = 0; b < 30; b++) {
        const body = random(b % 3 === 0 ? 214 : next() % 700);
        expect(signer.sign(body)).toBe(createHmac('sha256', key).update(body).digest('hex'));
      }
    }
  });

  it('takes the secret as a string (UTF-8) like signBody, and matches RFC 4231 test case 2', () => {
    expect(new BodySigner('Jefe').sign(Buffer.from('what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    const body = Buffer.from('{"ticket_subject":"Rückerstattung €"}', 'utf8');
    expect(new BodySigner('sécret').sign(body)).toBe(signBody('sécret', body));
  });
});
