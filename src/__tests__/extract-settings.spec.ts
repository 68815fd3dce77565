import {
  DEFAULT_EXTRACT_SETTINGS,
  extractSettingsFrom
} from '../extract/settings';

describe('extractSettingsFrom', () => {
  it('reads the template and the delay', () => {
    expect(
      extractSettingsFrom({ moduleTemplate: ' lib/{stem}.py ', planDelayMs: 0 })
    ).toEqual({ moduleTemplate: 'lib/{stem}.py', planDelayMs: 0 });
  });

  it('falls back to the defaults for missing or bad values', () => {
    expect(extractSettingsFrom({})).toEqual(DEFAULT_EXTRACT_SETTINGS);
    expect(
      extractSettingsFrom({ moduleTemplate: '  ', planDelayMs: -5 })
    ).toEqual({ moduleTemplate: 'src/{stem}.py', planDelayMs: 300 });
  });
});
