/**
 * The user's settings (schema/plugin.json), read once into a plain object and
 * shared by every tracked notebook.
 */
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { NbRefactorAPI } from './tokens';

export const WARNING_KINDS: readonly NbRefactorAPI.WarningKind[] = [
  'stale',
  'depends-on-stale',
  'out-of-order',
  'edited',
  'hidden-state',
  'use-before-define',
  'undefined'
];

export interface INbRefactorSettings {
  /** Which warning kinds are shown (panel, markers, status bar, verdict). */
  warningKinds: { [kind in NbRefactorAPI.WarningKind]: boolean };
  /** Quiet time after an edit before the notebook is analysed again. */
  debounceMs: number;
  /** Ask Python kernels, silently, which names their namespace holds. */
  namespaceProbe: boolean;
  /** Show markers in the cells' prompt area. */
  markers: boolean;
  /** Seconds one cell may run in a fresh-kernel check (Check Reproducibility, Verify). */
  verifyTimeout: number;
}

export const DEFAULT_SETTINGS: INbRefactorSettings = {
  warningKinds: {
    stale: true,
    'depends-on-stale': true,
    'out-of-order': true,
    edited: true,
    'hidden-state': true,
    'use-before-define': true,
    undefined: true
  },
  debounceMs: 300,
  namespaceProbe: true,
  markers: true,
  verifyTimeout: 60
};

/** Settings from the registry's composite value; unknown or bad values fall back to the defaults. */
export function settingsFrom(
  composite: ReadonlyPartialJSONObject
): INbRefactorSettings {
  const kinds = (composite.warningKinds ?? {}) as { [key: string]: unknown };
  const warningKinds = { ...DEFAULT_SETTINGS.warningKinds };
  for (const kind of WARNING_KINDS) {
    if (typeof kinds[kind] === 'boolean') {
      warningKinds[kind] = kinds[kind] as boolean;
    }
  }
  const debounce = composite.debounceMs;
  return {
    warningKinds,
    debounceMs:
      typeof debounce === 'number' && debounce >= 0
        ? debounce
        : DEFAULT_SETTINGS.debounceMs,
    namespaceProbe:
      typeof composite.namespaceProbe === 'boolean'
        ? composite.namespaceProbe
        : DEFAULT_SETTINGS.namespaceProbe,
    markers:
      typeof composite.markers === 'boolean'
        ? composite.markers
        : DEFAULT_SETTINGS.markers,
    verifyTimeout:
      typeof composite.verifyTimeout === 'number' && composite.verifyTimeout > 0
        ? composite.verifyTimeout
        : DEFAULT_SETTINGS.verifyTimeout
  };
}

/** The current settings and a signal when they change. */
export class SettingsModel {
  get value(): INbRefactorSettings {
    return this._value;
  }

  get changed(): ISignal<SettingsModel, INbRefactorSettings> {
    return this._changed;
  }

  update(value: INbRefactorSettings): void {
    this._value = value;
    this._changed.emit(value);
  }

  private _value: INbRefactorSettings = DEFAULT_SETTINGS;
  private _changed = new Signal<SettingsModel, INbRefactorSettings>(this);
}
