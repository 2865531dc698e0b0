// The suite's configuration: every variable of .env.test, typed and validated once.
export {
  loadConfig,
  specSettings,
  parseSpecSettings,
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
  type SettingsReader,
  type LoadOptions,
} from './settings.ts';
export { setting, type NumberRule } from './setting.ts';
export { editDistance } from './edit-distance.ts';
export {
  findTypos,
  settingPrefixes,
  specDeclaredNames,
  composeInterpolations,
  TARGET_SETTINGS,
  MAX_TYPO_DISTANCE,
  type SeenVariable,
  type TypoFinding,
} from './typos.ts';
