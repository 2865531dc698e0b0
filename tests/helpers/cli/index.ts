// The command line of `npm run load` (scripts/load.ts), pure: flags as data,
// argv and the environment to runLoadTest's options and the thresholds, the
// exit code of a run, and its JSON report as data. The script does the I/O.
export { helpText } from './flags.ts';
export { parseCommandLine, usageFromOptionError, UsageError, PHASE, type LoadCommand, type MergeCommand } from './arguments.ts';
export { mergedOutcome, mergeLine, buildMergeReport, mergeMarkdown } from './merged.ts';
export { EXIT, outcomeOf, plural, type Interruption } from './outcome.ts';
export { probeVerdict, WRONG_KEY, type ProbeAnswer } from './probe.ts';
export { buildCommandReport, commandConfig, reportNameFor } from './report.ts';
