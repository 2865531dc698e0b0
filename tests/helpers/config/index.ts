// The suite's configuration: every variable of .env.test, typed, validated once and described
// (docs.ts writes the reference from the declarations).
export {
  autoRateLimit,
  loadConfig,
  parseConfig,
  configVariables,
  redactConfig,
  formatStatuses,
  parseStatuses,
  ConfigError,
  type PerfConfig,
  type SuccessRule,
  type VariableRule,
} from './settings.ts';
export { setting, settingsRead } from './setting.ts';
export { BUILT_IN_SPECS, DOCS_SETTINGS_COMMAND, parseSpecKnobs, settingsBlock, withSettingsBlock, type SpecKnob } from './docs.ts';
export { specDeclaredNames } from './typos.ts';
