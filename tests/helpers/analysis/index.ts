// Judging runs: degradation over a run, the seed's targets table, and the
// comparison with a baseline run. Pure: reading the baseline's report from disk is
// report/'s (baseline-files.ts). Imports the engine and model/, never report/.
export {
  analyzeDegradation,
  analyzeLatencySeries,
  type DegradationAnalysis,
  type DegradationOptions,
  type DegradationWindow,
} from './degradation.ts';
export { classifyAgainstTargets, formatTargetsTable, targetMeasurements, type TargetVerdict, type TargetClass } from './targets.ts';
export {
  describeThreshold,
  evaluateThresholds,
  formatThresholds,
  measure,
  METRICS,
  thresholdsFrom,
  type Criteria,
  type Metric,
  type Threshold,
  type ThresholdOp,
  type ThresholdResult,
} from './thresholds.ts';
export {
  baselineCheck,
  compareWithBaseline,
  formatBaselineComparison,
  BaselineError,
  DEFAULT_MIN_RISE_MS,
  type BaselineComparison,
  type BaselineCheck,
  type BaselineMethod,
  type BaselineReport,
  type BaselineRow,
  type BaselineSettings,
  type BaselineVerdict,
  type FoundBaseline,
} from './baseline.ts';
export {
  afterRamp,
  afterStep,
  capacityResult,
  fitsBudget,
  fmtRps,
  formatCapacity,
  judgeStep,
  nextStep,
  policyRps,
  rampPlan,
  rampRates,
  readCapacity,
  searchCeiling,
  steadyStep,
  stepFigures,
  type CapacityLimit,
  type CapacityResult,
  type CapacitySample,
  type CapacitySettings,
  type CapacityStepReport,
  type EndedBy,
  type RampPlan,
  type SearchState,
  type StepRecord,
} from './capacity.ts';
export { changePointMethod, changePoints, CHANGE_POINT_DEFAULTS, type ChangePoint, type ChangePointOptions } from './change-points.ts';
export {
  consistencyOf,
  cvPercent,
  formatRepeats,
  medianRunIndex,
  MEDIAN_RULE,
  ranCount,
  valuesByRun,
  repeatsRecord,
  runsOf,
  spreadOf,
  SPREAD_METRICS,
  type ConsistencyRule,
} from './repeats.ts';
export {
  memoryGrowth,
  poolLeftovers,
  reconcileSuccessCount,
  type MemoryGrowth,
  type PoolCheck,
  type PoolFigures,
  type Reconciliation,
} from './server-checks.ts';
