/**
 * The Variables view: every module-level name with the cells that define,
 * change and read it (a click reveals the cell), its status in this kernel
 * session, and its type and shape from the silent probe when known.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { describeText } from './describe';
import { nameStatuses, NameStatus } from './layout';
import { GraphModel } from './model';

function statusWord(status: NameStatus, trans: TranslationBundle): string {
  switch (status) {
    case 'fresh':
      return trans.__('fresh');
    case 'stale':
      return trans.__('stale');
    case 'below':
      return trans.__('defined only below');
    case 'hidden':
      return trans.__('hidden');
    case 'not-run':
      return trans.__('not run');
  }
}

export function VariablesView(props: {
  model: GraphModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const notebook = model.notebook;
  const graph = model.graph;
  if (!notebook) {
    return (
      <div className="jp-nbrefactor-graph-empty">
        {trans.__('Open a notebook to see its variables.')}
      </div>
    );
  }
  if (model.error) {
    return (
      <div className="jp-nbrefactor-graph-error" role="alert">
        {trans.__('Could not compute the variables: %1', model.error)}
      </div>
    );
  }
  if (!graph) {
    return (
      <div className="jp-nbrefactor-graph-empty">
        {trans.__('Computing the dataflow…')}
      </div>
    );
  }
  if (graph.notice) {
    return <div className="jp-nbrefactor-graph-notice">{graph.notice}</div>;
  }
  const filter = model.filter;
  const names = graph.names.filter(n => n.name.includes(filter));
  const numbers = new Map(graph.nodes.map(n => [n.id, n.number]));
  const ran = new Set(notebook.tracker.runs.map(r => r.cell_id));
  const statuses = nameStatuses(graph.names, notebook.tracker.warnings, ran);
  const cells = (ids: readonly string[]) =>
    ids.length === 0 ? (
      <span className="jp-nbrefactor-graph-none">—</span>
    ) : (
      ids.map(id => (
        <button
          key={id}
          className="jp-nbrefactor-graph-cell-link"
          onClick={() => void notebook.revealCell(id)}
          title={trans.__('Go to cell %1', numbers.get(id) ?? '?')}
        >
          {numbers.get(id) ?? '?'}
        </button>
      ))
    );
  return (
    <div className="jp-nbrefactor-variables">
      <div className="jp-nbrefactor-graph-toolbar">
        <input
          className="jp-nbrefactor-graph-filter jp-mod-styled"
          type="search"
          placeholder={trans.__('Filter names')}
          aria-label={trans.__('Filter names')}
          value={filter}
          onChange={event => model.setFilter(event.target.value)}
        />
        <span className="jp-nbrefactor-graph-counts">
          {trans._n('%1 name', '%1 names', graph.names.length)}
        </span>
      </div>
      {graph.names.length === 0 ? (
        <div className="jp-nbrefactor-graph-empty">
          {trans.__('No cell defines a module-level name yet.')}
        </div>
      ) : (
        <table className="jp-nbrefactor-variables-table">
          <thead>
            <tr>
              <th>{trans.__('Name')}</th>
              <th>{trans.__('Type')}</th>
              <th>{trans.__('Defined in')}</th>
              <th>{trans.__('Read by')}</th>
              <th>{trans.__('Status')}</th>
            </tr>
          </thead>
          <tbody>
            {names.map(entry => {
              const status = statuses.get(entry.name) ?? 'fresh';
              const description = model.descriptions[entry.name];
              return (
                <tr
                  key={entry.name}
                  className="jp-nbrefactor-variable"
                  data-name={entry.name}
                  data-status={status}
                >
                  <td>
                    <code>{entry.name}</code>
                  </td>
                  <td
                    className="jp-nbrefactor-variable-type"
                    title={description?.type}
                  >
                    {description ? describeText(description) : ''}
                  </td>
                  <td>
                    {cells(entry.defined_by)}
                    {entry.mutated_by.length > 0 && (
                      <span
                        className="jp-nbrefactor-graph-changed"
                        title={trans.__('changed in place by these cells')}
                      >
                        {' ~'}
                        {cells(entry.mutated_by)}
                      </span>
                    )}
                  </td>
                  <td>{cells(entry.read_by)}</td>
                  <td>
                    <span className="jp-nbrefactor-variable-status">
                      {statusWord(status, trans)}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
