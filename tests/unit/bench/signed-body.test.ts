// Equal work for autocannon: the bodies and signatures its setupRequest hook sends must be
// the ones ours sends (the flat payload, HMAC-SHA256 hex in the engine's default header).
import { describe, expect, it, vi } from 'vitest';
import { flatPayload, LOAD_TEST_DEFAULTS, signBody } from '#engine';
import { flatPayloadBytes, PadSigner, uniqueSignedRequests } from '../../../bench/signed-body.ts';

describe('bench signed bodies', () => {
  it('the template gives the bytes of JSON.stringify(flatPayload)', () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T10:20:30.456Z') });
    try {
      expect(flatPayloadBytes(7, 1_000_007).toString()).toBe(JSON.stringify(flatPayload(7, 1_000_007)));
    } finally {
      vi.useRealTimers();
    }
  });

  it('the pad signer gives signBody for short, long and empty bodies and secrets', () => {
    for (const secret of ['test_secret_key_12345', 'k'.repeat(100)]) {
      const signer = new PadSigner(secret);
      for (const body of ['', '{"a":1}', 'x'.repeat(2000), '{"a":2}']) {
        expect(signer.sign(Buffer.from(body))).toBe(signBody(secret, body));
      }
    }
  });

  it('setupRequest gives every request the next ticket id, its body and its signature', () => {
    const hook = uniqueSignedRequests('s3cret', LOAD_TEST_DEFAULTS.signatureHeader, 500);
    const bodies = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const request = hook.setupRequest({ method: 'POST', headers: { 'content-type': 'application/json' } });
      const body = request.body as Buffer;
      const parsed = JSON.parse(body.toString()) as { ticket_id: string; requester_email: string };
      expect(parsed.ticket_id).toBe(String(500 + i));
      expect(parsed.requester_email).toBe(`loadtest${i}@example.com`);
      expect(request.headers?.['X-Freshdesk-Signature']).toBe(signBody('s3cret', body));
      expect(request.headers?.['content-type']).toBe('application/json');
      bodies.add(body.toString());
    }
    expect(bodies.size).toBe(3);
    expect(hook.sent()).toBe(3);
  });
});
