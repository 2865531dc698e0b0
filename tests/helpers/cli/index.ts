// The command line of `npm run load` (scripts/load.ts), pure: flags as data,
// argv and the environment to runLoadTest's options and the thresholds, the
// exit code of a run, and its JSON report as data. The script does the I/O.
export { FLAGS, helpText, DEFAULT_REPORT_DIR, DEFAULT_SECRET_ENV, MAX_DURATION_MARGIN_MS, type FlagName, type FlagSpec } from './flags.ts';
export {
  parseCommandLine,
  parseRate,
  defaultMaxDurationMs,
  thresholdsFrom,
  usageFromOptionError,
  UsageError,
  PHASE,
  type Command,
  type CommandSettings,
  type LoadCommand,
} from './arguments.ts';
export { EXIT, outcomeOf, plural, unreachable, type Interruption, type Outcome } from './outcome.ts';
export { buildCommandReport, commandConfig, commandEndpoints, reportNameFor, type CommandRun } from './report.ts';
