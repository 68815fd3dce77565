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

export function verdictOf(warnings: readonly Warning[]): IVerdict {
  const cellsByKind = new Map<Kind, Set<string>>();
  for (const warning of warnings) {
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
    reproducible: warnings.length === 0,
    certain: warnings.length === 0 || warnings.some(w => w.certain),
    reasons
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

/** The cells "Run stale cells" runs: stale and depends-on-stale, in notebook order, once each. */
export function staleCellIds(
  warnings: readonly Warning[],
  cells: readonly Cell[]
): string[] {
  const stale = new Set(
    warnings
      .filter(w => w.kind === 'stale' || w.kind === 'depends-on-stale')
      .map(w => w.cell_id)
  );
  return cells.filter(cell => stale.has(cell.id)).map(cell => cell.id);
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
