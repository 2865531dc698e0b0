// The suite's configuration: every variable of .env.test, typed and validated once.
export {
  loadConfig,
  parseConfig,
  configVariables,
  redactConfig,
  formatStatuses,
  parseStatuses,
  scaleCount,
  ConfigError,
  STACK_CHOICES,
  type PerfConfig,
  type StackChoice,
  type SuccessRule,
  type SuccessBody,
  type TargetRow,
  type TargetsTable,
  type VariableRule,
} from './settings.ts';
