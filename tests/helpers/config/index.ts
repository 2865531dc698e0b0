// The suite's configuration: every variable of .env.test, typed, validated once and described
// (docs.ts writes the reference from the declarations).
export {
  loadConfig,
  specSettings,
  parseSpecSettings,
  parseConfig,
  configVariables,
  acceptsOf,
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
  type VariableRule,
  type SettingsReader,
  type LoadOptions,
} from './settings.ts';
export { setting, settingsRead, type NumberRule } from './setting.ts';
export {
  BUILT_IN_SPECS,
  DOCS_SETTINGS_COMMAND,
  envTestProblems,
  MAX_ENV_TEST_VARIABLES,
  parseSpecKnobs,
  settingsBlock,
  SETTINGS_BEGIN,
  SETTINGS_END,
  withSettingsBlock,
  type SpecKnob,
} from './docs.ts';
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
