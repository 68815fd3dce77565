/**
 * The Dependency view: the code cells in notebook order as a column of
 * nodes, an SVG arc from producer to reader labelled with the names,
 * coloured by the cell's warning; the selected cell's upstream and
 * downstream highlighted; a click reveals the cell. Only the rows on screen
 * are rendered; headings fold the cells below them; a name filter keeps the
 * arcs that carry it.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { caretDownIcon, caretRightIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { kindWord } from '../decorations';
import { CommandIDs, NbRefactorAPI } from '../tokens';
import {
  arcPath,
  arcsInView,
  cellStates,
  layoutGraph,
  ROW_HEIGHT,
  visibleRows
} from './layout';
import { GraphModel } from './model';

/** Width of the arcs' gutter, in pixels. */
const GUTTER = 72;

/** The arc's label: its names, at most two, then "…". */
function arcLabel(names: readonly string[]): string {
  return names.length > 2
    ? `${names.slice(0, 2).join(', ')}, …`
    : names.join(', ');
}

/** A node's text: what the cell defines, or its reads, or nothing. */
function nodeText(node: NbRefactorAPI.IGraphNode): string {
  const names = node.defines.length > 0 ? node.defines : node.mutates;
  const shown = names.slice(0, 4).join(', ');
  return names.length > 4 ? `${shown}, …` : shown;
}

export function DependencyView(props: {
  model: GraphModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, commands, trans } = props;
  const notebook = model.notebook;
  const graph = model.graph;
  const scroller = React.useRef<HTMLDivElement>(null);
  const [view, setView] = React.useState<[number, number]>([0, 600]);
  const onScroll = () => {
    const el = scroller.current;
    if (el) {
      setView([el.scrollTop, el.clientHeight || 600]);
    }
  };
  React.useEffect(onScroll, [graph]);

  if (!notebook) {
    return (
      <div className="jp-nbrefactor-graph-empty">
        {trans.__('Open a notebook to see which cells feed which.')}
      </div>
    );
  }
  if (model.error) {
    return (
      <div className="jp-nbrefactor-graph-error" role="alert">
        {trans.__('Could not compute the graph: %1', model.error)}
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
  if (graph.nodes.length === 0) {
    return (
      <div className="jp-nbrefactor-graph-empty">
        {trans.__(
          'This notebook has no code cells yet: write some and their links appear here.'
        )}
      </div>
    );
  }
  const selected = model.selected;
  const layout = layoutGraph(graph, {
    folded: model.folded,
    filter: model.filter,
    selected,
    upstream: graph.upstream,
    downstream: graph.downstream
  });
  const states = cellStates(notebook.tracker.warnings);
  const up = new Set(graph.upstream ?? []);
  const down = new Set(graph.downstream ?? []);
  const [first, end] = visibleRows(view[0], view[1], layout.rows.length);
  const arcs = arcsInView(layout.arcs, first, end);
  const height = layout.rows.length * ROW_HEIGHT;
  const cellArgs = selected ? { cellId: selected } : {};
  return (
    <div className="jp-nbrefactor-graph">
      <div className="jp-nbrefactor-graph-toolbar">
        <input
          className="jp-nbrefactor-graph-filter jp-mod-styled"
          type="search"
          placeholder={trans.__('Filter arcs by name')}
          aria-label={trans.__('Filter arcs by name')}
          value={model.filter}
          onChange={event => model.setFilter(event.target.value)}
        />
        <span className="jp-nbrefactor-graph-counts">
          {trans.__(
            '%1 cells, %2 links',
            graph.nodes.length,
            graph.edges.length
          )}
        </span>
      </div>
      {graph.notice && (
        <div className="jp-nbrefactor-graph-notice">{graph.notice}</div>
      )}
      {layout.hiddenArcs > 0 && (
        <div className="jp-nbrefactor-graph-notice">
          {trans.__(
            '%1 links hidden: select a cell or filter by name to see them.',
            layout.hiddenArcs
          )}
        </div>
      )}
      {selected && (
        <div className="jp-nbrefactor-graph-actions">
          {[
            CommandIDs.runWithUpstream,
            CommandIDs.runDownstream,
            CommandIDs.restartRunToSelected
          ].map(id => (
            <button
              key={id}
              className="jp-nbrefactor-cell-action"
              data-command={id}
              title={commands.caption(id, cellArgs)}
              disabled={!commands.isEnabled(id, cellArgs)}
              onClick={() => void commands.execute(id, cellArgs)}
            >
              {commands.label(id, cellArgs)}
            </button>
          ))}
        </div>
      )}
      <div
        className="jp-nbrefactor-graph-scroller"
        ref={scroller}
        onScroll={onScroll}
      >
        <div
          className="jp-nbrefactor-graph-canvas"
          style={{ height, position: 'relative' }}
        >
          <svg
            className="jp-nbrefactor-graph-arcs"
            width={GUTTER}
            height={height}
            aria-hidden="true"
          >
            <defs>
              <marker
                id="jp-nbrefactor-arrow"
                viewBox="0 0 6 6"
                refX="6"
                refY="3"
                markerWidth="6"
                markerHeight="6"
                orient="auto"
              >
                <path d="M 0 0 L 6 3 L 0 6 z" />
              </marker>
            </defs>
            {arcs.map(arc => (
              <g
                key={`${arc.fromRow}:${arc.toRow}:${arc.role}`}
                className="jp-nbrefactor-graph-arc"
                data-role={arc.role}
                data-certain={String(arc.certain)}
              >
                <title>{arc.names.join(', ')}</title>
                <path
                  d={arcPath(arc, GUTTER)}
                  markerEnd="url(#jp-nbrefactor-arrow)"
                />
              </g>
            ))}
          </svg>
          {layout.rows.slice(first, end).map((row, i) => {
            const top = (first + i) * ROW_HEIGHT;
            if (row.kind === 'section') {
              const Caret = row.folded ? caretRightIcon : caretDownIcon;
              return (
                <button
                  key={`s${row.section.number}`}
                  className="jp-nbrefactor-graph-section"
                  data-level={row.section.level}
                  aria-expanded={!row.folded}
                  style={{ top, height: ROW_HEIGHT, left: GUTTER }}
                  onClick={() => model.toggleSection(row.section.number)}
                  title={trans.__(
                    'Fold or unfold the cells under this heading'
                  )}
                >
                  <Caret.react tag="span" />
                  <span className="jp-nbrefactor-graph-section-title">
                    {row.section.title}
                  </span>
                  {row.folded && (
                    <span className="jp-nbrefactor-graph-section-count">
                      {trans._n('%1 cell', '%1 cells', row.cells)}
                    </span>
                  )}
                </button>
              );
            }
            const node = row.node;
            const state = states.get(node.id);
            const role =
              node.id === selected
                ? 'selected'
                : up.has(node.id)
                  ? 'upstream'
                  : down.has(node.id)
                    ? 'downstream'
                    : 'other';
            const incoming: string[] = [];
            for (const e of graph.edges) {
              if (e.to === node.id) {
                incoming.push(...e.names);
              }
            }
            return (
              <button
                key={node.id}
                className="jp-nbrefactor-graph-node"
                data-cell-id={node.id}
                data-role={role}
                data-kind={state ?? 'none'}
                style={{ top, height: ROW_HEIGHT, left: GUTTER }}
                title={
                  incoming.length > 0
                    ? trans.__('reads %1', [...new Set(incoming)].join(', '))
                    : trans.__('reads nothing from other cells')
                }
                onClick={() => void notebook.revealCell(node.id)}
              >
                <span className="jp-nbrefactor-graph-number">
                  [{node.number}]
                </span>
                <span className="jp-nbrefactor-graph-defines">
                  {nodeText(node)}
                </span>
                {state && (
                  <span
                    className={`jp-nbrefactor-kind jp-nbrefactor-marker-${state}`}
                  >
                    {kindWord(state, trans)}
                  </span>
                )}
                {node.error && (
                  <span className="jp-nbrefactor-graph-broken">
                    {trans.__('does not compile')}
                  </span>
                )}
              </button>
            );
          })}
          {arcs.map(arc => (
            <span
              key={`l${arc.fromRow}:${arc.toRow}:${arc.role}`}
              className="jp-nbrefactor-graph-label"
              data-role={arc.role}
              style={{
                top: ((arc.fromRow + arc.toRow) / 2) * ROW_HEIGHT + 4,
                left: 0,
                width: GUTTER - 4
              }}
            >
              {arcLabel(arc.names)}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
