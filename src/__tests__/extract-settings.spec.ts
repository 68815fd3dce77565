import {
  DEFAULT_EXTRACT_SETTINGS,
  extractSettingsFrom
} from '../extract/settings';

describe('extractSettingsFrom', () => {
  it('reads the template, the delay and whether to verify', () => {
    expect(
      extractSettingsFrom({
        moduleTemplate: ' lib/{stem}.py ',
        planDelayMs: 0,
        verifyAfterExtract: true
      })
    ).toEqual({
      moduleTemplate: 'lib/{stem}.py',
      planDelayMs: 0,
      verifyAfterExtract: true
    });
  });

  it('falls back to the defaults for missing or bad values', () => {
    expect(extractSettingsFrom({})).toEqual(DEFAULT_EXTRACT_SETTINGS);
    expect(
      extractSettingsFrom({
        moduleTemplate: '  ',
        planDelayMs: -5,
        verifyAfterExtract: 'yes'
      })
    ).toEqual({
      moduleTemplate: 'src/{section}.py',
      planDelayMs: 300,
      verifyAfterExtract: false
    });
  });
});
