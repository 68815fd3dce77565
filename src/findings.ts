/**
 * What the views show, derived from the tracker's log and the server's
 * warnings: warnings by cell, the verdict, the timeline, the next warning.
 * Pure functions over plain data (no dataflow here: that is the server's).
 */
import { sameSource } from './tracker';
import { NbRefactorAPI } from './tokens';

type Cell = NbRefactorAPI.IAnalyzeCell;
type Run = NbRefactorAPI.IRun;
type Warning = NbRefactorAPI.IWarning;
type Kind = NbRefactorAPI.WarningKind;

/** The warnings of one cell. */
export interface ICellWarnings {
  cellId: string;
  /** 0-based position in the notebook, or null when the cell is gone. */
  position: number | null;
  /** The execution count of the cell's last run, or null. */
  executionCount: number | null;
  /** The first non-blank line of its source, to recognise it. */
  firstLine: string;
  warnings: Warning[];
}

/** Warnings grouped by cell, in notebook order (cells no longer there last). */
export function warningsByCell(
  warnings: readonly Warning[],
  cells: readonly Cell[],
  runs: readonly Run[]
): ICellWarnings[] {
  const positions = positionsOf(cells);
  const groups = new Map<string, ICellWarnings>();
  for (const warning of warnings) {
    let group = groups.get(warning.cell_id);
    if (!group) {
      const position = positions.get(warning.cell_id) ?? null;
      group = {
        cellId: warning.cell_id,
        position,
        executionCount: lastCount(runs, warning.cell_id),
        firstLine: position === null ? '' : firstLine(cells[position].source),
        warnings: []
      };
      groups.set(warning.cell_id, group);
    }
    group.warnings.push(warning);
  }
  const order = (g: ICellWarnings) => g.position ?? Number.MAX_SAFE_INTEGER;
  return [...groups.values()].sort((a, b) => order(a) - order(b));
}

/** One run of the kernel session, as the timeline shows it. */
export interface ITimelineEntry {
  cellId: string;
  executionCount: number | null;
  /** 0-based position of its cell now, or null when the cell was deleted. */
  position: number | null;
  /** The cell's source differs from what this run executed. */
  edited: boolean;
  deleted: boolean;
  error: string | null;
}

export function timelineOf(
  runs: readonly Run[],
  cells: readonly Cell[]
): ITimelineEntry[] {
  const positions = positionsOf(cells);
  return runs.map(run => {
    const position = positions.get(run.cell_id) ?? null;
    return {
      cellId: run.cell_id,
      executionCount: run.execution_count,
      position,
      edited:
        position !== null && !sameSource(cells[position].source, run.source),
      deleted: position === null,
      error: run.error ?? null
    };
  });
}

/** Whether Restart & Run All would reproduce the kernel's state, and why not. */
export interface IVerdict {
  reproducible: boolean;
  /** False when every reason rests on a heuristic. */
  certain: boolean;
  /** How many cells carry each kind, in the order the reasons are told. */
  reasons: Array<{ kind: Kind; cells: number }>;
}

/** The order reasons are told in: what breaks a rerun most comes first. */
export const VERDICT_ORDER: readonly Kind[] = [
  'hidden-state',
  'out-of-order',
  'edited',
  'stale',
  'depends-on-stale',
  'use-before-define',
  'undefined'
];

/** The kinds that decide the verdict (the others are advice). */
export const VERDICT_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  'stale',
  'depends-on-stale',
  'out-of-order',
  'hidden-state'
]);

/**
 * The verdict: `reproducible` is the server's answer (it counts the kinds the
 * settings hide too, so hiding a kind never changes it); the reasons are the
 * deciding kinds among the warnings shown, by how many cells carry each.
 */
export function verdictOf(
  warnings: readonly Warning[],
  reproducible: boolean
): IVerdict {
  const counted = warnings.filter(w => VERDICT_KINDS.has(w.kind));
  const cellsByKind = new Map<Kind, Set<string>>();
  for (const warning of counted) {
    let cells = cellsByKind.get(warning.kind);
    if (!cells) {
      cells = new Set();
      cellsByKind.set(warning.kind, cells);
    }
    cells.add(warning.cell_id);
  }
  const reasons = VERDICT_ORDER.filter(kind => cellsByKind.has(kind)).map(
    kind => ({ kind, cells: cellsByKind.get(kind)!.size })
  );
  return {
    reproducible,
    certain:
      reproducible || counted.length === 0 || counted.some(w => w.certain),
    reasons: reproducible ? [] : reasons
  };
}

/**
 * The cell "Go to next warning" goes to: the first warned cell below the
 * active one, wrapping to the top; null when no cell is warned.
 */
export function nextWarnedCell(
  groups: readonly ICellWarnings[],
  activePosition: number
): string | null {
  const present = groups.filter(g => g.position !== null);
  const next =
    present.find(g => g.position! > activePosition) ?? present[0] ?? null;
  return next ? next.cellId : null;
}

/**
 * The cells "Run Stale Cells" runs: the server's `rerun` list (whatever kinds
 * the settings hide), in notebook order, once each, only cells still in the
 * notebook; none before the first analysis.
 */
export function rerunCellIds(
  result: NbRefactorAPI.IAnalyzeResponse | null,
  cells: readonly Cell[]
): string[] {
  const wanted = new Set(result?.rerun ?? []);
  return cells.filter(cell => wanted.has(cell.id)).map(cell => cell.id);
}

/**
 * The code cells from `fromId` down, in notebook order: to the last cell, or,
 * when `toId` is given, to that cell (included). Empty when `fromId` is not
 * in the notebook, or `toId` is given and is gone or above `fromId`.
 */
export function codeCellsFrom(
  cells: readonly Cell[],
  fromId: string,
  toId?: string
): string[] {
  const start = cells.findIndex(cell => cell.id === fromId);
  const end =
    toId === undefined
      ? cells.length - 1
      : cells.findIndex(cell => cell.id === toId);
  if (start < 0 || end < start) {
    return [];
  }
  return cells
    .slice(start, end + 1)
    .filter(cell => cell.cell_type === 'code')
    .map(cell => cell.id);
}

/** The server's quiet notes of one cell (forward flow: not a warning). */
export interface ICellNotes {
  cellId: string;
  /** 0-based position in the notebook. */
  position: number;
  notes: string[];
}

/** The cells that have notes, in notebook order. */
export function notesByCell(
  result: NbRefactorAPI.IAnalyzeResponse | null,
  cells: readonly Cell[]
): ICellNotes[] {
  const found: ICellNotes[] = [];
  cells.forEach((cell, position) => {
    const notes = result?.cells[cell.id]?.notes ?? [];
    if (notes.length > 0) {
      found.push({ cellId: cell.id, position, notes });
    }
  });
  return found;
}

/** Stale and depends-on-stale warnings of several cells that one change explains. */
export interface ICauseGroup {
  /** The cell whose run changed the values. */
  causeId: string;
  /** Its 0-based position, or null when it is gone. */
  position: number | null;
  /** The names it changed that the stale cells read, in the order first seen. */
  names: string[];
  /** The warned cells, in notebook order, with only the warnings this change explains. */
  cells: ICellWarnings[];
}

/** What the panel lists: changes with the cells they made stale, and the other warnings by cell. */
export interface IWarningList {
  causes: ICauseGroup[];
  cells: ICellWarnings[];
}

/**
 * The warnings grouped for reading at scale: stale and depends-on-stale
 * warnings whose root change (a depends-on-stale warning's source is a stale
 * cell: its cause is that cell's cause) is shared by two or more cells form
 * one group under that change; every other warning stays with its cell.
 * Both lists in notebook order (causes by their first warned cell).
 */
export function groupWarnings(
  warnings: readonly Warning[],
  cells: readonly Cell[],
  runs: readonly Run[]
): IWarningList {
  const causeOf = rootCauses(warnings);
  const byCause = new Map<string, Warning[]>();
  for (const warning of warnings) {
    const cause = causeOf(warning);
    if (cause !== null) {
      byCause.set(cause, [...(byCause.get(cause) ?? []), warning]);
    }
  }
  const grouped = new Set<Warning>();
  const causes: ICauseGroup[] = [];
  const positions = positionsOf(cells);
  for (const [causeId, explained] of byCause) {
    const groups = warningsByCell(explained, cells, runs);
    if (groups.length < 2) {
      continue;
    }
    explained.forEach(w => grouped.add(w));
    const stale = explained.filter(w => w.kind === 'stale');
    causes.push({
      causeId,
      position: positions.get(causeId) ?? null,
      names: uniqueNames(stale.length > 0 ? stale : explained),
      cells: groups
    });
  }
  const order = (p: number | null) => p ?? Number.MAX_SAFE_INTEGER;
  causes.sort(
    (a, b) => order(a.cells[0].position) - order(b.cells[0].position)
  );
  return {
    causes,
    cells: warningsByCell(
      warnings.filter(w => !grouped.has(w)),
      cells,
      runs
    )
  };
}

/**
 * A stale warning's cause is its source; a depends-on-stale warning's is the
 * cause of its source's stale warning (followed through chains), else its source.
 */
function rootCauses(
  warnings: readonly Warning[]
): (warning: Warning) => string | null {
  const staleSource = new Map<string, string>();
  const inheritedFrom = new Map<string, string>();
  for (const w of warnings) {
    if (w.source_cell_id === null) {
      continue;
    }
    if (w.kind === 'stale' && !staleSource.has(w.cell_id)) {
      staleSource.set(w.cell_id, w.source_cell_id);
    } else if (w.kind === 'depends-on-stale' && !inheritedFrom.has(w.cell_id)) {
      inheritedFrom.set(w.cell_id, w.source_cell_id);
    }
  }
  const rootOf = (cellId: string): string => {
    const seen = new Set<string>();
    let current = cellId;
    while (!seen.has(current)) {
      seen.add(current);
      const stale = staleSource.get(current);
      if (stale !== undefined) {
        return stale;
      }
      const next = inheritedFrom.get(current);
      if (next === undefined) {
        break;
      }
      current = next;
    }
    return current;
  };
  return warning => {
    if (warning.source_cell_id === null) {
      return null;
    }
    if (warning.kind === 'stale') {
      return warning.source_cell_id;
    }
    return warning.kind === 'depends-on-stale'
      ? rootOf(warning.source_cell_id)
      : null;
  };
}

function uniqueNames(warnings: readonly Warning[]): string[] {
  const names = new Set<string>();
  warnings.forEach(w => w.names.forEach(name => names.add(name)));
  return [...names];
}

function positionsOf(cells: readonly Cell[]): Map<string, number> {
  const positions = new Map<string, number>();
  cells.forEach((cell, index) => {
    if (!positions.has(cell.id)) {
      positions.set(cell.id, index);
    }
  });
  return positions;
}

function lastCount(runs: readonly Run[], cellId: string): number | null {
  for (let i = runs.length - 1; i >= 0; i--) {
    if (runs[i].cell_id === cellId) {
      return runs[i].execution_count;
    }
  }
  return null;
}

function firstLine(source: string): string {
  return (
    source
      .split('\n')
      .map(line => line.trim())
      .find(line => line.length > 0) ?? ''
  );
}
