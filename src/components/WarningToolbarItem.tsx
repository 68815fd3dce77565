/**
 * The notebook toolbar's item: this notebook's warning count, where people
 * look in Notebook 7 (no status bar, panel closed) as in JupyterLab; a click
 * opens the Notebook Refactor panel. Added through the toolbar registry, so
 * users can move or hide it with the `jupyter.lab.toolbars` settings.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { ISignal } from '@lumino/signaling';
import * as React from 'react';

import { refactorIcon } from '../icons';

/** What the item reads of a watched notebook. */
export interface IWarningSource {
  readonly changed: ISignal<unknown, void>;
  readonly tracker: {
    readonly result: unknown;
    readonly notice: string | null;
    readonly warnings: readonly unknown[];
  };
}

/** The item's words, or null before the first analysis and for non-Python notebooks. */
export function toolbarText(
  source: IWarningSource,
  trans: TranslationBundle
): string | null {
  const { tracker } = source;
  if (tracker.result === null || tracker.notice !== null) {
    return null;
  }
  const count = tracker.warnings.length;
  return count === 0
    ? trans.__('No warnings')
    : trans._n('%1 warning', '%1 warnings', count);
}

export class WarningToolbarItem extends ReactWidget {
  constructor(
    private readonly _source: IWarningSource,
    private readonly _trans: TranslationBundle,
    private readonly _open: () => void
  ) {
    super();
    this.addClass('jp-nbrefactor-toolbar-warnings');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._source.changed}>
        {() => {
          const text = toolbarText(this._source, this._trans);
          const count = this._source.tracker.warnings.length;
          return (
            <button
              type="button"
              className="jp-ToolbarButtonComponent jp-mod-minimal jp-Button jp-nbrefactor-toolbar-warnings-button"
              data-warnings={String(count)}
              title={this._trans.__(
                'Hidden-state warnings of this notebook: open the Notebook Refactor panel'
              )}
              aria-label={text ?? this._trans.__('Notebook refactor')}
              onClick={this._open}
            >
              <refactorIcon.react tag="span" />
              {text !== null && (
                <span className="jp-ToolbarButtonComponent-label">{text}</span>
              )}
            </button>
          );
        }}
      </UseSignal>
    );
  }
}
