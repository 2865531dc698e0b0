// Judging runs: degradation over a run, the seed's targets table, and the
// comparison with a baseline run. Pure, except loading and saving baselines.
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
  type Metric,
  type Threshold,
  type ThresholdOp,
  type ThresholdResult,
} from './thresholds.ts';
export {
  checkAgainstBaseline,
  compareWithBaseline,
  formatBaselineComparison,
  saveBaseline,
  DEFAULT_MIN_RISE_MS,
  type BaselineComparison,
  type BaselineCheck,
  type BaselineMethod,
  type BaselineReport,
  type BaselineRow,
  type BaselineSettings,
  type BaselineVerdict,
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
  repeatsRecord,
  spreadOf,
  SPREAD_METRICS,
  type ConsistencyRule,
} from './repeats.ts';
