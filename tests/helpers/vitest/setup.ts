// The performance project's setup file: the domain matchers, and the engine's
// progress events sent to the suite's console (PerfConsoleReporter) as tagged
// lines naming the running phase (the engine itself never prints).
// Unsubscribed after each spec file, so a worker reused for another file does
// not print every line twice.
import { afterAll } from 'vitest';
import { subscribeProgress } from '#engine';
import { progressLogLine } from '../report/index.ts';
import { runningPhase } from './running-phase.ts';
import './matchers.ts';
import './matchers-rate-limit.ts';
import './matchers-server.ts';

afterAll(subscribeProgress((snapshot) => console.log(progressLogLine(runningPhase() ?? 'load', snapshot))));
