/**
 * The Dependency and Variables views' layout, pure: rows in notebook order
 * (markdown headings fold the cells below them), arcs between rows, the
 * window of rows on screen, and each name's status. The graph itself (who
 * reads what from whom, upstream, downstream) is the server's answer.
 */
import { NbRefactorAPI } from '../tokens';

/** Pixels per row; the view and the window computation share it. */
export const ROW_HEIGHT = 26;

/** Without a name filter, at most this many arcs are drawn (the selection's always are). */
export const MAX_ARCS = 400;

/** A row of the Dependency view: a heading or a code cell. */
export type GraphRow =
  | {
      kind: 'section';
      section: NbRefactorAPI.IGraphSection;
      folded: boolean;
      /** Code cells under it (nested headings included). */
      cells: number;
    }
  | { kind: 'cell'; node: NbRefactorAPI.IGraphNode };

/** How an arc relates to the selected cell. */
export type ArcRole = 'upstream' | 'downstream' | 'other';

/** An arc between two rows (a folded section stands for its cells). */
export interface IArc {
  fromRow: number;
  toRow: number;
  names: string[];
  certain: boolean;
  role: ArcRole;
}

export interface ILayout {
  rows: GraphRow[];
  /** Cell id or section id -> its row. */
  rowOf: Map<string, number>;
  arcs: IArc[];
  /** Arcs left out (too many without a filter). */
  hiddenArcs: number;
}

/** The section numbers each section sits in (itself first, then outward). */
function sectionChains(
  sections: readonly NbRefactorAPI.IGraphSection[]
): Map<number, number[]> {
  const chains = new Map<number, number[]>();
  const open: NbRefactorAPI.IGraphSection[] = [];
  for (const s of sections) {
    while (open.length > 0 && open[open.length - 1].level >= s.level) {
      open.pop();
    }
    open.push(s);
    chains.set(s.number, open.map(o => o.number).reverse());
  }
  return chains;
}

/**
 * Rows, arcs and what they mean for the selection. `folded`: heading numbers
 * folded; `filter`: only arcs carrying a name containing it (case-sensitive,
 * as Python is); `upstream`/`downstream`: the selected cell's, from the server.
 */
export function layoutGraph(
  graph: NbRefactorAPI.IGraph,
  options: {
    folded?: ReadonlySet<number>;
    filter?: string;
    selected?: string | null;
    upstream?: readonly string[];
    downstream?: readonly string[];
    maxArcs?: number;
  } = {}
): ILayout {
  const folded = options.folded ?? new Set<number>();
  const chains = sectionChains(graph.sections);
  const counts = new Map<number, number>();
  for (const node of graph.nodes) {
    for (const n of node.section === null
      ? []
      : (chains.get(node.section) ?? [])) {
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
  }
  // The outermost folded section hiding a section (or null).
  const foldOf = (section: number | null): number | null => {
    if (section === null) {
      return null;
    }
    const chain = chains.get(section) ?? [];
    let out: number | null = null;
    for (const n of chain) {
      if (folded.has(n)) {
        out = n;
      }
    }
    return out;
  };
  const rows: GraphRow[] = [];
  const rowOf = new Map<string, number>();
  // Rows come in notebook order: headings and cells by their number.
  const items: Array<
    [number, NbRefactorAPI.IGraphSection | NbRefactorAPI.IGraphNode]
  > = [
    ...graph.sections.map((s): [number, NbRefactorAPI.IGraphSection] => [
      s.number,
      s
    ]),
    ...graph.nodes.map((n): [number, NbRefactorAPI.IGraphNode] => [n.number, n])
  ].sort((a, b) => a[0] - b[0]);
  const sectionRow = new Map<number, number>();
  for (const [, item] of items) {
    if ('level' in item) {
      const chain = chains.get(item.number) ?? [];
      const outer = foldOf(chain[1] ?? null);
      if (outer !== null) {
        continue; // inside a folded heading
      }
      sectionRow.set(item.number, rows.length);
      rowOf.set(item.id, rows.length);
      rows.push({
        kind: 'section',
        section: item,
        folded: folded.has(item.number),
        cells: counts.get(item.number) ?? 0
      });
    } else {
      const fold = foldOf(item.section);
      if (fold !== null) {
        rowOf.set(item.id, sectionRow.get(fold)!);
        continue;
      }
      rowOf.set(item.id, rows.length);
      rows.push({ kind: 'cell', node: item });
    }
  }

  const selected = options.selected ?? null;
  const up = new Set(options.upstream ?? []);
  const down = new Set(options.downstream ?? []);
  const filter = options.filter ?? '';
  const merged = new Map<string, IArc>();
  for (const edge of graph.edges) {
    const names = filter
      ? edge.names.filter(name => name.includes(filter))
      : edge.names;
    if (names.length === 0) {
      continue;
    }
    const fromRow = rowOf.get(edge.from);
    const toRow = rowOf.get(edge.to);
    if (fromRow === undefined || toRow === undefined || fromRow === toRow) {
      continue;
    }
    let role: ArcRole = 'other';
    if (selected !== null) {
      if ((edge.to === selected || up.has(edge.to)) && up.has(edge.from)) {
        role = 'upstream';
      } else if (
        (edge.from === selected || down.has(edge.from)) &&
        down.has(edge.to)
      ) {
        role = 'downstream';
      }
    }
    const key = `${fromRow}:${toRow}:${role}`;
    const arc = merged.get(key);
    if (arc) {
      arc.names = [...new Set([...arc.names, ...names])].sort();
      arc.certain = arc.certain || edge.certain;
    } else {
      merged.set(key, { fromRow, toRow, names, certain: edge.certain, role });
    }
  }
  let arcs = [...merged.values()];
  let hiddenArcs = 0;
  const limit = options.maxArcs ?? MAX_ARCS;
  if (!filter && arcs.length > limit) {
    const kept = arcs.filter(a => a.role !== 'other');
    hiddenArcs = arcs.length - kept.length;
    arcs = kept;
  }
  return { rows, rowOf, arcs, hiddenArcs };
}

/** The rows on screen (with `overscan` more each side): [first, end). */
export function visibleRows(
  scrollTop: number,
  height: number,
  count: number,
  overscan = 10
): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - overscan);
  const end = Math.min(
    count,
    Math.ceil((scrollTop + height) / ROW_HEIGHT) + overscan
  );
  return [first, Math.max(first, end)];
}

/** Arcs with some part inside the rows [first, end). */
export function arcsInView(
  arcs: readonly IArc[],
  first: number,
  end: number
): IArc[] {
  return arcs.filter(a => a.fromRow < end && a.toRow >= first);
}

/** The path of an arc in the gutter left of the rows: out to the left and back. */
export function arcPath(arc: IArc, gutter: number): string {
  const y1 = arc.fromRow * ROW_HEIGHT + ROW_HEIGHT / 2;
  const y2 = arc.toRow * ROW_HEIGHT + ROW_HEIGHT / 2;
  const reach = Math.min(gutter - 4, 6 + (y2 - y1) * 0.12);
  const x = gutter - reach;
  return `M ${gutter} ${y1} C ${x} ${y1}, ${x} ${y2}, ${gutter} ${y2}`;
}

/** A module-level name's status, as the Variables view shows it. */
export type NameStatus = 'fresh' | 'stale' | 'below' | 'hidden' | 'not-run';

/** The identifier a warning's name starts with (`df["a"]` -> `df`). */
function baseName(name: string): string {
  return /^[\p{L}_][\p{L}\p{N}_]*/u.exec(name)?.[0] ?? name;
}

/**
 * Each name's status from the server's warnings: hidden state, then stale
 * (stale, depends-on-stale, out-of-order), then defined only below (the
 * graph's `below_only` or a use-before-define warning), then not run (no
 * defining cell ran in this session), else fresh.
 */
export function nameStatuses(
  names: readonly NbRefactorAPI.IGraphName[],
  warnings: readonly NbRefactorAPI.IWarning[],
  ranCells: ReadonlySet<string>
): Map<string, NameStatus> {
  const by = new Map<string, Set<NbRefactorAPI.WarningKind>>();
  for (const w of warnings) {
    for (const n of w.names) {
      const key = baseName(n);
      if (!by.has(key)) {
        by.set(key, new Set());
      }
      by.get(key)!.add(w.kind);
    }
  }
  const out = new Map<string, NameStatus>();
  for (const entry of names) {
    const kinds = by.get(entry.name) ?? new Set();
    let status: NameStatus;
    if (kinds.has('hidden-state')) {
      status = 'hidden';
    } else if (
      kinds.has('stale') ||
      kinds.has('depends-on-stale') ||
      kinds.has('out-of-order')
    ) {
      status = 'stale';
    } else if (entry.below_only.length > 0 || kinds.has('use-before-define')) {
      status = 'below';
    } else if (!entry.defined_by.some(id => ranCells.has(id))) {
      status = 'not-run';
    } else {
      status = 'fresh';
    }
    out.set(entry.name, status);
  }
  return out;
}

/** The most telling warning kind of each cell (for the node's colour). */
export function cellStates(
  warnings: readonly NbRefactorAPI.IWarning[]
): Map<string, NbRefactorAPI.WarningKind> {
  const order: NbRefactorAPI.WarningKind[] = [
    'hidden-state',
    'out-of-order',
    'stale',
    'depends-on-stale',
    'use-before-define',
    'undefined',
    'edited'
  ];
  const out = new Map<string, NbRefactorAPI.WarningKind>();
  for (const w of warnings) {
    const now = out.get(w.cell_id);
    if (now === undefined || order.indexOf(w.kind) < order.indexOf(now)) {
      out.set(w.cell_id, w.kind);
    }
  }
  return out;
}
