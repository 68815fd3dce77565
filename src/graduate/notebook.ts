/**
 * The notebook side of a graduation: every moved run of cells replaced by its
 * call, as ONE undo step.
 */
import type { INotebookModel } from '@jupyterlab/notebook';

import { NbRefactorAPI } from '../tokens';

interface IUndoable {
  undoManager?: { stopCapturing(): void; undoStack: unknown[] } | null;
}

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
 * transaction: a single undo brings every original cell back. A new cell keeps
 * the outputs of the cells it replaces and names them in
 * `metadata.nbrefactor.replaces` (what a fresh-kernel check compares it with).
 * Returns the undo step, or null without an undo manager.
 */
export function applyGraduation(
  model: INotebookModel,
  plan: NbRefactorAPI.IGraduationPlan
): unknown {
  const shared = model.sharedModel;
  const undo = (shared as unknown as IUndoable).undoManager ?? null;
  const moves = movesOf(plan).reverse(); // bottom up: indices above stay valid
  const replaced = moves.map(move =>
    move.cells.map(
      index =>
        model.cells.get(index).toJSON() as { id?: unknown; outputs?: unknown[] }
    )
  );
  undo?.stopCapturing();
  shared.transact(() => {
    moves.forEach((move, k) => {
      const cells = replaced[k];
      const replaces = cells
        .map(cell => cell.id)
        .filter((id): id is string => typeof id === 'string' && id.length > 0);
      for (const index of [...move.cells].sort((a, b) => b - a)) {
        shared.deleteCell(index);
      }
      shared.insertCell(move.cells[0], {
        cell_type: 'code',
        source: move.replacement,
        metadata: replaces.length > 0 ? { nbrefactor: { replaces } } : {},
        outputs: ([] as unknown[]).concat(...cells.map(c => c.outputs ?? [])),
        execution_count: null
      } as Parameters<typeof shared.insertCell>[1]);
    });
  });
  undo?.stopCapturing();
  return undo ? undo.undoStack[undo.undoStack.length - 1] : null;
}
