// What the suite writes and prints: the console summary and progress lines, one
// JSON report per spec, the HTML overview, and the metrics watch line.
export { formatSummary, formatProgress, printProgress, defaultTitle } from './console.ts';
export {
  reportBase,
  runsOf,
  writeSpecReport,
  writeSpecReportSync,
  type SpecReport,
  type CheckRecord,
  type RepeatsRecord,
  type RunFigures,
  type SpreadRow,
} from './json-report.ts';
export {
  isSpecReport,
  readSpecReportFile,
  readSpecReports,
  writeHtmlReport,
  writeHtmlFrom,
  writeHtmlReportSync,
  ReportFileError,
} from './report-files.ts';
export { formatWatchLine } from './metrics-watch.ts';
export { timelineOf } from './timeline.ts';
export {
  appendHistory,
  appendHistorySync,
  changeInWords,
  gitState,
  historyChangesFor,
  historyEntryOf,
  historyPathFor,
  latestPerSpec,
  readHistory,
  readHistorySync,
  recordHistory,
  recordHistorySync,
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
