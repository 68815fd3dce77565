/**
 * The notebook side of a graduation: every moved run of cells replaced by its
 * call, as ONE undo step.
 */
import type { INotebookModel } from '@jupyterlab/notebook';

import { replaceRuns } from '../extract/notebook';
import { NbRefactorAPI } from '../tokens';

/** The moves of a plan, in notebook order. */
export function movesOf(
  plan: NbRefactorAPI.IGraduationPlan
): NbRefactorAPI.IGraduateMove[] {
  const moves: NbRefactorAPI.IGraduateMove[] = [];
  for (const section of plan.sections) {
    moves.push(...section.moves);
  }
  return moves.sort((a, b) => a.cells[0] - b.cells[0]);
}

/** Whether the moved cells still hold the sources the plan was made on. */
export function unchangedSince(
  model: INotebookModel,
  planned: { cells?: unknown[] },
  plan: NbRefactorAPI.IGraduationPlan
): boolean {
  const cells = (planned.cells ?? []) as { source?: string | string[] }[];
  if (model.cells.length !== cells.length) {
    return false;
  }
  return movesOf(plan).every(move =>
    move.cells.every(index => {
      const source = cells[index]?.source ?? '';
      const text = Array.isArray(source) ? source.join('') : source;
      return model.cells.get(index).sharedModel.source === text;
    })
  );
}

/**
 * Replace each move's cells by its call, where the first of them was, in one
 * transaction: a single undo brings every original cell back (`replaceRuns`).
 * Returns the undo step, or null without an undo manager.
 */
export function applyGraduation(
  model: INotebookModel,
  plan: NbRefactorAPI.IGraduationPlan
): unknown {
  return replaceRuns(
    model,
    movesOf(plan).map(move => ({ cells: move.cells, source: move.replacement }))
  );
}
