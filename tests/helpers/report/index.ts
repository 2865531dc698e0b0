// What the suite writes and prints: the console summary and progress lines, one
// JSON report per spec, the HTML overview, and the metrics watch line; and the
// files the analysis judges (a spec's baseline). Reads engine, analysis and model;
// the vitest part and the CLI call it.
export { formatSummary, formatProgress, printProgress, defaultTitle } from './console.ts';
export { reportBase, writeSpecReport } from './json-report.ts';
// The report's data shapes are the model's; kept here for the readers that import them from the report.
export type { SpecReport, CheckRecord, RepeatsRecord, RunFigures, SpreadRow } from '../model/index.ts';
export { runsOf } from '../analysis/index.ts';
export { loadBaseline, saveBaseline, checkAgainstBaseline } from './baseline-files.ts';
export { isSpecReport, readSpecReportFile, readSpecReports, writeHtmlReport, writeHtmlFrom, ReportFileError } from './report-files.ts';
export { formatWatchLine } from './metrics-watch.ts';
export { timelineOf } from './timeline.ts';
export {
  appendHistory,
  changeInWords,
  gitState,
  historyChangesFor,
  historyEntryOf,
  historyPathFor,
  formatTrend,
  latestPerSpec,
  readHistory,
  recordHistory,
  shortCommit,
  trendOf,
  HISTORY_DISPLAY_LIMIT,
  HISTORY_FILE,
  type GitState,
  type History,
  type HistoryEntry,
  type PhaseFigures,
  type Trend,
  type TrendChange,
} from './history.ts';
export { trendSection } from './html-trend.ts';
export {
  renderCiSummary,
  ciVerdict,
  type CiSummaryOptions,
  type CiSummaryArtifacts,
  type CiVerdict,
  type HistoryChange,
} from './ci-summary.ts';
export { writeCiSummary, type CiSummaryFileOptions, type CiSummaryWritten } from './ci-summary-file.ts';
