/**
 * The status-bar item: the active notebook's warning count; a click opens the panel.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { refactorIcon } from '../icons';
import { PanelModel } from '../model';

/** The item's words, or null when there is nothing to count. */
export function statusText(
  model: PanelModel,
  trans: TranslationBundle
): string | null {
  const tracker = model.notebook?.tracker;
  if (!tracker || model.emptyState !== null || tracker.result === null) {
    return null;
  }
  if (tracker.notice !== null) {
    return trans.__('No analysis');
  }
  const count = tracker.warnings.length;
  return count === 0
    ? trans.__('No warnings')
    : trans._n('%1 warning', '%1 warnings', count);
}

export class WarningStatus extends ReactWidget {
  constructor(
    readonly model: PanelModel,
    private readonly _trans: TranslationBundle,
    private readonly _open: () => void
  ) {
    super();
    this.addClass('jp-nbrefactor-status');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => {
          const text = statusText(this.model, this._trans);
          const count = this.model.notebook?.tracker.warnings.length ?? 0;
          return (
            <div
              className="jp-nbrefactor-status-body"
              data-warnings={String(count)}
              title={this._trans.__('Open the Notebook Refactor panel')}
              onClick={this._open}
            >
              <refactorIcon.react tag="span" />
              <span>{text ?? this._trans.__('Notebook refactor')}</span>
            </div>
          );
        }}
      </UseSignal>
    );
  }
}
