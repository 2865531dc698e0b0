// What the suite writes and prints: the console summary and progress lines, one
// JSON report per spec, the HTML overview, and the metrics watch line; and the
// files the analysis judges (a spec's baseline). Reads engine, analysis and model;
// the vitest part and the CLI call it.
export { formatSummary, printProgress, defaultTitle, verdictLine } from './console.ts';
export {
  LiveConsole,
  parseProgressLog,
  progressLogLine,
  progressText,
  PROGRESS_TAG,
  watchedTerminal,
  type ProgressEvent,
} from './live-console.ts';
export { reportBase, writeSpecReport } from './json-report.ts';
// The report's data shapes are the model's; kept here for the readers that import them from the report.
export type { SpecReport, CheckRecord, RepeatsRecord, RunFigures } from '../model/index.ts';
export { saveBaseline, checkAgainstBaseline } from './baseline-files.ts';
export { indexReports, isSpecReport, readSpecReports, writeHtmlReport, writeHtmlFrom } from './report-files.ts';
export { formatWatchLine } from './metrics-watch.ts';
export { timelineOf } from './timeline.ts';
export {
  historyChangesFor,
  historyPathFor,
  formatTrend,
  readHistory,
  recordHistory,
  seriesOf,
  trendOf,
  HISTORY_DISPLAY_LIMIT,
} from './history.ts';
export { writeCiSummary } from './ci-summary-file.ts';
export { runWarnings, warningLine, warningsBlock, type RunWarning } from './warnings.ts';
