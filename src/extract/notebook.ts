/**
 * The notebook side of an extraction: which cells are selected, the live
 * notebook as the server plans from it, the one undoable cell replacement,
 * and revealing the cell a refusal names.
 */
import { Notification } from '@jupyterlab/apputils';
import {
  INotebookModel,
  Notebook,
  NotebookActions
} from '@jupyterlab/notebook';

import { NbRefactorAPI } from '../tokens';

/** Drives whose files the server reads and writes itself (`RTC` is its collaborative view). */
const SERVER_DRIVES = new Set(['', 'RTC']);

/**
 * The notebook's path relative to the server root, when it is saved on a
 * drive the server reads itself; null otherwise (unsaved, another drive).
 */
export function serverPath(context: {
  readonly isReady: boolean;
  readonly path: string;
  readonly localPath: string;
  readonly contentsModel: object | null;
}): string | null {
  const { isReady, path, localPath, contentsModel } = context;
  const drive = path.slice(0, path.length - localPath.length).replace(/:$/, '');
  return isReady && contentsModel && localPath && SERVER_DRIVES.has(drive)
    ? localPath
    : null;
}

/** The part of a NotebookPanel the enablement reads. */
export interface INotebookPanelLike {
  readonly context: {
    readonly isReady: boolean;
    readonly path: string;
    readonly localPath: string;
    readonly contentsModel: object | null;
  };
  readonly content: {
    readonly model: { getMetadata(key: string): unknown } | null;
    readonly widgets: readonly { readonly model: { readonly type: string } }[];
    isSelectedOrActive(cell: never): boolean;
  };
}

/** What an extraction works on. */
export interface IExtractionTarget {
  /** The notebook's path relative to the server root. */
  path: string;
  /** 0-based indices of the selected cells, in order (markdown cells included: they stay in place). */
  cells: number[];
}

/**
 * The selected cells of a notebook saved on the server, when at least one of
 * them is a code cell; null when the commands should be disabled. Whether the
 * notebook is Python is the server's answer (`extract/suggest`), not decided here.
 */
export function extractionTarget(
  panel: INotebookPanelLike | null
): IExtractionTarget | null {
  const model = panel?.content.model;
  const path = panel && model ? serverPath(panel.context) : null;
  if (!panel || !model || path === null) {
    return null;
  }
  const isSelected = panel.content.isSelectedOrActive.bind(panel.content) as (
    cell: unknown
  ) => boolean;
  const cells: number[] = [];
  let anyCode = false;
  panel.content.widgets.forEach((cell, index) => {
    if (isSelected(cell)) {
      cells.push(index);
      anyCode = anyCode || cell.model.type === 'code';
    }
  });
  return anyCode ? { path, cells } : null;
}

/**
 * The live notebook as nbformat, without outputs and attachments: the plan
 * reads sources only, and a notebook full of plots would outgrow the server's
 * request limit.
 */
export function notebookForPlan(
  model: INotebookModel
): NbRefactorAPI.IPlanRequest['notebook'] {
  const notebook = model.toJSON() as {
    cells: { [key: string]: unknown }[];
    [key: string]: unknown;
  };
  return {
    ...notebook,
    cells: notebook.cells.map(cell => {
      const copy: { [key: string]: unknown } = { ...cell };
      delete copy.attachments;
      if (copy.cell_type === 'code') {
        copy.outputs = [];
      }
      return copy;
    })
  };
}

/** The sources of the given cells, to tell whether they changed meanwhile. */
export function sourcesOf(
  model: INotebookModel,
  cells: readonly number[]
): string[] {
  return cells.map(index =>
    index < model.cells.length ? model.cells.get(index).sharedModel.source : ''
  );
}

/** What a Yjs-backed notebook exposes of its undo manager. */
interface IUndoable {
  undoManager?: {
    stopCapturing(): void;
    undoStack: unknown[];
    on(event: string, handler: (event: IStackEvent) => void): void;
    off(event: string, handler: (event: IStackEvent) => void): void;
  } | null;
}

/** Yjs' `stack-item-popped` event. */
interface IStackEvent {
  stackItem: unknown;
  type: 'undo' | 'redo';
}

/**
 * Call `callback` each time `step` (from `replaceCells`) is undone, however
 * it is undone (Edit › Undo, Z, the notification); returns the disconnect.
 */
export function onUndo(
  model: INotebookModel,
  step: unknown,
  callback: () => void
): () => void {
  const undo = (model.sharedModel as unknown as IUndoable).undoManager;
  if (!undo || step === null) {
    return () => undefined;
  }
  const handler = (event: IStackEvent) => {
    if (event.type === 'undo' && event.stackItem === step) {
      callback();
    }
  };
  undo.on('stack-item-popped', handler);
  return () => undo.off('stack-item-popped', handler);
}

/**
 * Replace the selected cells by one code cell holding `source`, where the
 * first of them was, as ONE undo step: a single Ctrl+Z brings the original
 * cells back, outputs included (see `replaceRuns`). Returns that undo step (to
 * undo it later only if it is still the last one), or null without an undo
 * manager.
 */
export function replaceCells(
  model: INotebookModel,
  cells: readonly number[],
  source: string
): unknown {
  return replaceRuns(model, [{ cells, source }]);
}

/** A run of cells to replace by one code cell holding `source`. */
export interface IReplacement {
  cells: readonly number[];
  source: string;
}

/**
 * Replace each run of cells by one code cell holding its `source`, where the
 * first of them was, in one transaction: ONE undo step brings every original
 * cell back. A new cell keeps the outputs of the cells it replaces, in order
 * (what it must reproduce: a fresh-kernel check of the saved notebook
 * compares with them), and records their ids in `metadata.nbrefactor.replaces`
 * as the server's apply does. The runs must not overlap. Returns the undo
 * step, or null without an undo manager.
 */
export function replaceRuns(
  model: INotebookModel,
  runs: readonly IReplacement[]
): unknown {
  const shared = model.sharedModel;
  const undo = (shared as unknown as IUndoable).undoManager ?? null;
  // bottom up, so the indices of the runs above stay valid
  const ordered = runs
    .map(run => ({
      cells: [...run.cells].sort((a, b) => a - b),
      source: run.source
    }))
    .sort((a, b) => b.cells[0] - a.cells[0]);
  const replaced = ordered.map(run =>
    run.cells.map(
      index =>
        model.cells.get(index).toJSON() as { id?: unknown; outputs?: unknown[] }
    )
  );
  // Edits made just before would otherwise merge into the same undo step.
  undo?.stopCapturing();
  shared.transact(() => {
    ordered.forEach((run, k) => {
      const cells = replaced[k];
      const replaces = cells
        .map(cell => cell.id)
        .filter((id): id is string => typeof id === 'string' && id.length > 0);
      for (const index of [...run.cells].reverse()) {
        shared.deleteCell(index);
      }
      shared.insertCell(run.cells[0], {
        cell_type: 'code',
        source: run.source,
        metadata: replaces.length > 0 ? { nbrefactor: { replaces } } : {},
        outputs: ([] as unknown[]).concat(...cells.map(c => c.outputs ?? [])),
        execution_count: null
      } as Parameters<typeof shared.insertCell>[1]);
    });
  });
  undo?.stopCapturing();
  return undo ? undo.undoStack[undo.undoStack.length - 1] : null;
}

/** Whether `step` (from `replaceCells`) is still the notebook's last undo step. */
export function isLastUndoStep(model: INotebookModel, step: unknown): boolean {
  const undo = (model.sharedModel as unknown as IUndoable).undoManager;
  return !!undo && undo.undoStack[undo.undoStack.length - 1] === step;
}

/**
 * A notification's Undo: undo `step` (from `replaceRuns`) when it is still the
 * notebook's last undo step; else undo nothing the user did since and show
 * `changed` (how to get the cells back by hand).
 */
export function undoIfLast(
  notebook: Notebook,
  step: unknown,
  changed: string
): void {
  if (notebook.model && isLastUndoStep(notebook.model, step)) {
    NotebookActions.undo(notebook);
  } else {
    Notification.warning(changed);
  }
}

/**
 * Select the cell at `index` and scroll to it (through the windowed list, so
 * cells outside the viewport work); with a 1-based `line`, put the cursor there.
 */
export async function revealCell(
  notebook: Notebook,
  index: number,
  line: number | null
): Promise<void> {
  if (index < 0 || index >= notebook.widgets.length) {
    return;
  }
  notebook.mode = 'command';
  notebook.deselectAll();
  notebook.activeCellIndex = index;
  await notebook.scrollToItem(index, 'center');
  const cell = notebook.widgets[index];
  if (line !== null) {
    await cell.ready;
    const lines = cell.model.sharedModel.source.split('\n').length;
    cell.editor?.setCursorPosition({
      line: Math.min(line, lines) - 1,
      column: 0
    });
    notebook.mode = 'edit';
  }
  notebook.activate();
}
