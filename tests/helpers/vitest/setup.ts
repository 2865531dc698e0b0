// The performance project's setup file: the domain matchers, and the engine's
// progress events printed as console lines (the engine itself never prints).
// Unsubscribed after each spec file, so a worker reused for another file does
// not print every line twice.
import { afterAll } from 'vitest';
import { printProgress } from '../report/index.ts';
import './matchers.ts';
import './matchers-rate-limit.ts';
import './matchers-server.ts';

afterAll(printProgress());
