// Judging runs: degradation over a run, thresholds (the suite's targets among them), and the
// comparison with a baseline run. Pure: reading the baseline's report from disk is
// report/'s (baseline-files.ts). Imports the engine and model/, never report/.
export { analyzeDegradation, type DegradationAnalysis } from './degradation.ts';
export { DEFAULT_TARGETS, parseTargets, targetThresholds, type Target } from './targets.ts';
export {
  describeThreshold,
  evaluateThresholds,
  failingThresholds,
  formatThresholds,
  METRICS,
  outcomeLabel,
  thresholdOutcome,
  thresholdsFrom,
  warningThresholds,
  WARN_ONLY,
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
  type BaselineRefusal,
  type BaselineReport,
  type BaselineSettings,
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
  readCapacity,
  steadyStep,
  stepFigures,
  type CapacityLimit,
  type CapacityResult,
  type CapacitySettings,
  type EndedBy,
  type RampPlan,
  type SearchState,
  type StepRecord,
} from './capacity.ts';
export { changePointMethod, changePoints, type ChangePoint, type ChangePointOptions } from './change-points.ts';
export { formatRepeats, medianRunIndex, ranCount, valuesByRun, repeatsRecord } from './repeats.ts';
export { memoryGrowth, poolLeftovers, reconcileSuccessCount } from './server-checks.ts';
export { runTargetDifferences, runTargetKey, runTargetOf, runTargetText, sameRunTarget, type TargetSource } from './run-target.ts';
