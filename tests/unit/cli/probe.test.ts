// The command's preflight verdict: the load goes after a success (or without any answer, which the
// load's own verdict reports); a wrong secret and other refusals stop it, each saying why.
import { describe, expect, it } from 'vitest';
import { probeVerdict } from '../../helpers/cli/index.ts';

const where = { url: 'http://127.0.0.1:1/webhook/freshdesk', secretEnv: 'HOOK_KEY', signatureHeader: 'X-Hub-Signature' };

describe('probeVerdict', () => {
  it('lets the load go after a success, or without an HTTP answer', () => {
    expect(probeVerdict({ status: 200, ok: true }, undefined, where)).toBeNull();
    expect(probeVerdict({ status: 0, ok: false, reason: 'connection_refused' }, undefined, where)).toBeNull();
  });

  it('names the secret variable and the header when a wrong key is answered alike', () => {
    expect(probeVerdict({ status: 401, ok: false }, { status: 401, ok: false }, where)).toMatch(
      /^the service most likely rejects the signature: .*Check HOOK_KEY: .*verifies X-Hub-Signature with .*Only the probes were sent/,
    );
  });

  it('otherwise says the status is not a success, or that the window is full', () => {
    expect(probeVerdict({ status: 500, ok: false }, { status: 401, ok: false }, where)).toMatch(/was answered 500, which is not a success/);
    expect(probeVerdict({ status: 429, ok: false }, undefined, where)).toMatch(/refused with 429/);
  });
});
