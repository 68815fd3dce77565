/**
 * The "Notebook refactor" sidebar: renders the PanelModel, nothing more.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { refactorIcon } from '../icons';
import { PanelModel } from '../model';
import { EmptyState } from '../tokens';

/** The words of each empty state: a heading and what to do next. */
export function emptyStateText(
  state: Exclude<EmptyState, null>,
  trans: TranslationBundle
): { title: string; hint: string } {
  switch (state) {
    case 'no-notebook':
      return {
        title: trans.__('No notebook is open'),
        hint: trans.__(
          'Open or select a notebook to see its execution order and hidden state here.'
        )
      };
    case 'no-kernel':
      return {
        title: trans.__('No kernel'),
        hint: trans.__(
          'Start a kernel for this notebook: warnings follow the cells you run.'
        )
      };
    case 'nothing-run':
      return {
        title: trans.__('Nothing has run yet'),
        hint: trans.__(
          'Run a cell: this panel then shows the execution order and warns about stale or out-of-order cells.'
        )
      };
  }
}

function PanelBody(props: {
  model: PanelModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const notebook = model.notebook;
  const state = model.emptyState;
  return (
    <div className="jp-nbrefactor-panel-body">
      <header className="jp-nbrefactor-header">
        <refactorIcon.react tag="span" className="jp-nbrefactor-header-icon" />
        <h2 className="jp-nbrefactor-title">{trans.__('Notebook refactor')}</h2>
      </header>
      {notebook && (
        <div className="jp-nbrefactor-notebook-name" title={notebook.title}>
          {notebook.title}
        </div>
      )}
      {state !== null ? (
        <div className="jp-nbrefactor-empty" data-state={state}>
          <p className="jp-nbrefactor-empty-title">
            {emptyStateText(state, trans).title}
          </p>
          <p className="jp-nbrefactor-empty-hint">
            {emptyStateText(state, trans).hint}
          </p>
        </div>
      ) : (
        <div className="jp-nbrefactor-summary">
          {trans._n(
            '%1 cell run in this kernel session.',
            '%1 cells run in this kernel session.',
            notebook?.runCount ?? 0
          )}
        </div>
      )}
    </div>
  );
}

export class RefactorPanel extends ReactWidget {
  constructor(
    readonly model: PanelModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-nbrefactor-panel');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => <PanelBody model={this.model} trans={this._trans} />}
      </UseSignal>
    );
  }
}
