// The command's preflight, as careful as the suite's: before the load, one signed request of the
// load's own shape; when it is not a success, one more signed with a deliberately wrong key tells a
// signature problem (both answered alike) from other faults. Pure: the answers in, what to say out.

/** A key no service verifies with, for the second probe. */
export const WRONG_KEY = 'deliberately-wrong-key-of-the-load-probe';

/** One probe's answer: its status (0: no HTTP answer), whether it counted as a success, why not. */
export interface ProbeAnswer {
  status: number;
  ok: boolean;
  /** The error class or body check that failed it, when it did. */
  reason?: string;
}

/**
 * Null when the load may go (the probe succeeded), else why it must not, naming the secret's
 * variable and the signature header when the wrong key's probe was answered alike.
 */
export function probeVerdict(
  probe: ProbeAnswer,
  wrongKey: ProbeAnswer | undefined,
  { url, secretEnv, signatureHeader }: { url: string; secretEnv: string; signatureHeader: string },
): string | null {
  // No HTTP answer: the load goes on, fails fast, and its report says the service could not be reached.
  if (probe.ok || probe.status === 0) return null;
  const sent = 'Only the probes were sent, not the load.';
  if (probe.status === 429) return `the signed probe to ${url} was refused with 429 (rate limited): wait for its window and retry. ${sent}`;
  if (wrongKey !== undefined && wrongKey.status === probe.status) {
    return (
      `the service most likely rejects the signature: a probe signed with $${secretEnv} and one signed with a deliberately wrong key ` +
      `both got ${probe.status}. Check ${secretEnv}: it must hold the secret the service verifies ${signatureHeader} with ` +
      `(HMAC-SHA256 of the raw body, lowercase hex), or name another variable with --secret-env. ${sent}`
    );
  }
  return `the signed probe to ${url} was answered ${probe.status}, which is not a success${probe.reason === undefined ? '' : ` (${probe.reason})`} (--success-statuses, --success-body). ${sent}`;
}
