// The model's face: the plain data shapes the parts hand each other and write to disk (a
// spec's JSON report, a history line, the stack's endpoints, the server's metrics, the
// judgements a report records). Types and constants only: it imports no other part, and
// every part may import it, so data flows one way (engine -> analysis -> report, wired by
// vitest/ and cli/) without the parts importing each other for their shapes.
export type { ProviderName, StackEndpoints, Percentiles, ServerMetrics, ResourceFigures, ServerResources } from './stack.ts';
export type { Metric, ThresholdOp, ThresholdSeverity, Threshold, ThresholdResult, TargetVerdict } from './judgements.ts';
export type {
  MachineInfo,
  CheckRecord,
  RecordedConfig,
  SpecReport,
  RunFigures,
  SpreadRow,
  RepeatsRecord,
  RunTarget,
  SpecVerdict,
} from './spec-report.ts';
export { HISTORY_FILE, type PhaseFigures, type GitState, type HistoryEntry } from './history.ts';
