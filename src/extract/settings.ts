/**
 * The extraction settings (schema/extract.json), read into a plain object.
 */

export interface IExtractSettings {
  /**
   * Module path relative to the notebook; `{section}` is the module the server
   * suggests from the section heading, `{stem}` the notebook's name.
   */
  moduleTemplate: string;
  /** How long typing must pause before the dialog plans again (ms). */
  planDelayMs: number;
  /** Check the notebook in a fresh kernel right after each extraction. */
  verifyAfterExtract: boolean;
}

export const DEFAULT_EXTRACT_SETTINGS: IExtractSettings = {
  moduleTemplate: 'src/{section}.py',
  planDelayMs: 300,
  verifyAfterExtract: false
};

/** Settings from the registry's composite value; bad values fall back to the defaults. */
export function extractSettingsFrom(composite: {
  [key: string]: unknown;
}): IExtractSettings {
  const template = composite.moduleTemplate;
  const delay = composite.planDelayMs;
  return {
    moduleTemplate:
      typeof template === 'string' && template.trim().length > 0
        ? template.trim()
        : DEFAULT_EXTRACT_SETTINGS.moduleTemplate,
    planDelayMs:
      typeof delay === 'number' && delay >= 0
        ? delay
        : DEFAULT_EXTRACT_SETTINGS.planDelayMs,
    verifyAfterExtract:
      typeof composite.verifyAfterExtract === 'boolean'
        ? composite.verifyAfterExtract
        : DEFAULT_EXTRACT_SETTINGS.verifyAfterExtract
  };
}
