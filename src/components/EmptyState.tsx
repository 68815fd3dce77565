/**
 * What the sidebar shows when it has nothing to show, in its Warnings and its
 * Health view: what is missing, and what to do about it.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { HealthEmptyState } from '../health';
import { EmptyState as WarningsEmptyState } from '../tokens';

/** Every empty state of the two views. */
export type EmptyStateKind =
  Exclude<WarningsEmptyState, null> | Exclude<HealthEmptyState, null>;

/** An empty state's words: a heading and what to do next. */
export function emptyStateText(
  state: EmptyStateKind,
  trans: TranslationBundle
): { title: string; hint: string } {
  switch (state) {
    case 'no-notebook':
      return {
        title: trans.__('No notebook is open'),
        hint: trans.__(
          'Open or select a notebook to see its execution order, hidden state and health here.'
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
    case 'unsaved':
      return {
        title: trans.__('Save the notebook to see its health report'),
        hint: trans.__(
          'The report reads the notebook as saved on the server; it is not run.'
        )
      };
  }
}

export function EmptyState(props: {
  state: EmptyStateKind;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  const text = emptyStateText(state, trans);
  return (
    <div className="jp-nbrefactor-empty" data-state={state}>
      <p className="jp-nbrefactor-empty-title">{text.title}</p>
      <p className="jp-nbrefactor-empty-hint">{text.hint}</p>
    </div>
  );
}
