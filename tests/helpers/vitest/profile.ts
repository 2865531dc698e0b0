// The profile of a spec: `profileRequests` (the engine's: one request at a time,
// timed phase by phase) against the spec's service, with the spec's own ticket
// ids, room in the rate-limit window for all of it, every admitted request in
// the ledger, and the tables printed and kept in the report.
import { findBottlenecks, findHttpBottlenecks, formatHttpPhases, formatProfile, profileRequests, type RequestProfile } from '#engine';
import type { SpecRecorder } from './recorder.ts';

export interface ProfilePlan {
  requests: number;
  /** A phase over this share of end-to-end time is a bottleneck (PROFILE_BOTTLENECK_PERCENT). */
  bottleneckPercent: number;
}

/** Profiles `requests` requests to the spec's service; the report keeps the profile, its HTTP phases, the statuses and the bottlenecks. */
export async function profileService(recorder: SpecRecorder, { requests, bottleneckPercent }: ProfilePlan): Promise<RequestProfile> {
  const { config, stack } = recorder.context;
  // One request at a time, but planned as if all at once: room for every one of them.
  await recorder.awaitRoom('profile', { requests, ratePerSecond: null });
  console.log(`Profiling ${requests} webhook requests...`);
  const profile = await profileRequests({
    url: stack.webhookUrl,
    secret: config.secret,
    requests,
    ticketIdStart: recorder.reserveTickets(requests),
    signatureHeader: recorder.signatureHeader,
    timeoutMs: config.requestTimeoutMs,
    signal: recorder.signal,
    onAnswer: ({ index, status, sentAt, answeredAt }) => {
      // Into the rate-limit ledger unless refused; a request without an answer counts, to be safe.
      if (status !== 429) recorder.recordSent([[sentAt, answeredAt]]);
      console.log(`Request ${index + 1}/${requests}... Status: ${status === 0 ? 'no answer' : status}`);
    },
  });
  const { report, http, statuses } = profile;
  console.log(formatProfile(report, bottleneckPercent));
  console.log(formatHttpPhases(http, bottleneckPercent));
  recorder.note('profile', report);
  // The HTML marks the bottlenecks with the threshold they were found with.
  recorder.note('bottleneckPercent', bottleneckPercent);
  recorder.note('httpPhases', http);
  recorder.note('profileStatuses', statuses);
  recorder.note(
    'bottlenecks',
    findBottlenecks(report, bottleneckPercent).map((row) => row.operation),
  );
  recorder.note(
    'httpBottlenecks',
    findHttpBottlenecks(http, bottleneckPercent).map((b) => b.message),
  );
  return profile;
}
