/**
 * The notebook side of applying a config plan: the changed cells and the new
 * loading cell as one undoable edit.
 */
import type { INotebookModel } from '@jupyterlab/notebook';

import { NbRefactorAPI } from '../tokens';

interface IUndoable {
  undoManager?: { stopCapturing(): void };
}

/** Whether the cells the plan changes still hold the sources it was planned on. */
export function unchangedSince(
  model: INotebookModel,
  planned: NbRefactorAPI.IConfigRequest['notebook'],
  plan: NbRefactorAPI.IConfigPlan
): boolean {
  return plan.cells.every(change => {
    const cells = (planned.cells ?? []) as unknown[];
    const before = cells[change.index] as
      { source?: string | string[] } | undefined;
    const source = Array.isArray(before?.source)
      ? before.source.join('')
      : (before?.source ?? null);
    return (
      change.index < model.cells.length &&
      model.cells.get(change.index).sharedModel.source === source
    );
  });
}

/** Apply the plan's cell changes and insert its loading cell, as one undo step. */
export function applyConfigPlan(
  model: INotebookModel,
  plan: NbRefactorAPI.IConfigPlan
): void {
  const shared = model.sharedModel;
  const undo = (shared as unknown as IUndoable).undoManager ?? null;
  undo?.stopCapturing();
  shared.transact(() => {
    for (const change of plan.cells) {
      shared.getCell(change.index).setSource(change.source);
    }
    if (plan.load_cell) {
      shared.insertCell(plan.load_cell.index, {
        cell_type: 'code',
        source: plan.load_cell.source,
        metadata: { nbrefactor: { config: plan.config_path } },
        outputs: [],
        execution_count: null
      } as Parameters<typeof shared.insertCell>[1]);
    }
  });
  undo?.stopCapturing();
}
