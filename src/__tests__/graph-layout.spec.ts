import {
  arcsInView,
  cellStates,
  layoutGraph,
  nameStatuses,
  visibleRows
} from '../graph/layout';
import { NbRefactorAPI } from '../tokens';

function node(
  id: string,
  number: number,
  section: number | null = null
): NbRefactorAPI.IGraphNode {
  return {
    id,
    number,
    defines: [id],
    mutates: [],
    reads: [],
    error: null,
    section
  };
}

function edge(
  from: string,
  to: string,
  names: string[],
  certain = true
): NbRefactorAPI.IGraphEdge {
  return { from, to, names, certain };
}

// # A (1) / a (2) / ## B (3) / b (4) / c (5) / # C (6) / d (7)
const graph: NbRefactorAPI.IGraph = {
  nodes: [node('a', 2, 1), node('b', 4, 3), node('c', 5, 3), node('d', 7, 6)],
  edges: [
    edge('a', 'b', ['x']),
    edge('b', 'c', ['y']),
    edge('a', 'd', ['x', 'z']),
    edge('c', 'd', ['w'], false)
  ],
  names: [],
  sections: [
    { id: 's1', number: 1, level: 1, title: 'A' },
    { id: 's3', number: 3, level: 2, title: 'B' },
    { id: 's6', number: 6, level: 1, title: 'C' }
  ]
};

describe('layoutGraph', () => {
  it('puts headings and cells in notebook order, one arc per edge', () => {
    const layout = layoutGraph(graph);
    expect(
      layout.rows.map(r => (r.kind === 'cell' ? r.node.id : r.section.id))
    ).toEqual(['s1', 'a', 's3', 'b', 'c', 's6', 'd']);
    expect(layout.arcs.map(a => [a.fromRow, a.toRow, a.names])).toEqual([
      [1, 3, ['x']],
      [3, 4, ['y']],
      [1, 6, ['x', 'z']],
      [4, 6, ['w']]
    ]);
    expect(layout.hiddenArcs).toBe(0);
  });

  it('folds a heading with its subheadings into one row its arcs end at', () => {
    const layout = layoutGraph(graph, { folded: new Set([1]) });
    expect(
      layout.rows.map(r => (r.kind === 'cell' ? r.node.id : r.section.id))
    ).toEqual(['s1', 's6', 'd']);
    const folded = layout.rows[0];
    expect(folded.kind === 'section' && [folded.folded, folded.cells]).toEqual([
      true,
      3
    ]);
    // a -> b and b -> c fall inside the fold; a -> d and c -> d merge
    expect(layout.arcs.map(a => [a.fromRow, a.toRow, a.names])).toEqual([
      [0, 2, ['w', 'x', 'z']]
    ]);
  });

  it('keeps only arcs carrying a name that matches the filter', () => {
    const layout = layoutGraph(graph, { filter: 'z' });
    expect(layout.arcs.map(a => [a.fromRow, a.toRow, a.names])).toEqual([
      [1, 6, ['z']]
    ]);
  });

  it("marks the selection's upstream and downstream arcs", () => {
    const layout = layoutGraph(graph, {
      selected: 'c',
      upstream: ['a', 'b'],
      downstream: ['d']
    });
    expect(layout.arcs.map(a => a.role)).toEqual([
      'upstream',
      'upstream',
      'other',
      'downstream'
    ]);
  });

  it("beyond the limit without a filter keeps only the selection's arcs", () => {
    const layout = layoutGraph(graph, {
      selected: 'b',
      upstream: ['a'],
      downstream: ['c', 'd'],
      maxArcs: 2
    });
    expect(layout.arcs.map(a => a.role)).toEqual([
      'upstream',
      'downstream',
      'downstream'
    ]);
    expect(layout.hiddenArcs).toBe(1);
  });
});

describe('visibleRows and arcsInView', () => {
  it('renders the rows on screen with an overscan', () => {
    expect(visibleRows(0, 260, 500, 0)).toEqual([0, 10]);
    expect(visibleRows(2600, 260, 500, 5)).toEqual([95, 115]);
    expect(visibleRows(0, 260, 3, 5)).toEqual([0, 3]);
  });

  it('keeps the arcs crossing the window', () => {
    const arcs = layoutGraph(graph).arcs;
    expect(arcsInView(arcs, 5, 7).map(a => [a.fromRow, a.toRow])).toEqual([
      [1, 6],
      [4, 6]
    ]);
  });
});

describe('nameStatuses', () => {
  const names: NbRefactorAPI.IGraphName[] = ['df', 'n', 'k', 'h', 'z'].map(
    name => ({
      name,
      defined_by: [name === 'z' ? 'c9' : 'c1'],
      mutated_by: [],
      read_by: [],
      below_only: name === 'k' ? ['c0'] : []
    })
  );
  const warning = (
    kind: NbRefactorAPI.WarningKind,
    name: string
  ): NbRefactorAPI.IWarning => ({
    kind,
    cell_id: 'c2',
    names: [name],
    source_cell_id: null,
    certain: true,
    message: ''
  });

  it('tells hidden, stale, defined only below, not run and fresh apart', () => {
    const statuses = nameStatuses(
      names,
      [warning('stale', 'df["a"]'), warning('hidden-state', 'h')],
      new Set(['c1'])
    );
    expect([...statuses].reduce((o, [k, v]) => ({ ...o, [k]: v }), {})).toEqual(
      {
        df: 'stale',
        n: 'fresh',
        k: 'below',
        h: 'hidden',
        z: 'not-run'
      }
    );
  });

  it('colours a cell by its most telling warning', () => {
    const states = cellStates([
      warning('edited', 'x'),
      warning('stale', 'x'),
      { ...warning('undefined', 'q'), cell_id: 'c3' }
    ]);
    expect([...states].reduce((o, [k, v]) => ({ ...o, [k]: v }), {})).toEqual({
      c2: 'stale',
      c3: 'undefined'
    });
  });
});
