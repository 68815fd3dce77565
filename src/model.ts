/**
 * The sidebar's model: which notebook is active, and what the panel should say
 * about it. Views only render this; they never reach into JupyterLab.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { EmptyState } from './tokens';
import { ExecutionTracker } from './tracker';

/** What the panel needs to know about a notebook, and the actions it offers. */
export interface IWatchedNotebook {
  /** Display name (the file name). */
  readonly title: string;
  /** The kernel's display name, or null when the notebook has no kernel. */
  readonly kernelName: string | null;
  /** How many cells ran in this kernel session. */
  readonly runCount: number;
  /** Emits whenever any of the above (or the tracker) changes. */
  readonly changed: ISignal<IWatchedNotebook, void>;
  /** This kernel session's execution log and its analysis. */
  readonly tracker: ExecutionTracker;
  /** Scroll to the cell (even outside the windowed viewport) and select it. */
  revealCell(cellId: string): Promise<void>;
  /** Reveal the first warned cell below the active one, wrapping around. */
  revealNextWarning(): Promise<void>;
  /** The id of the notebook's active cell, or null. */
  readonly activeCellId: string | null;
  /**
   * Run these cells in the order given, one after another, stopping at the
   * first failure; resolves whether all ran without error.
   */
  runCells(ids: readonly string[]): Promise<boolean>;
}

/** What the panel shows when there is nothing to analyse; null when there is. */
export function emptyStateOf(notebook: IWatchedNotebook | null): EmptyState {
  if (!notebook) {
    return 'no-notebook';
  }
  if (notebook.kernelName === null) {
    return 'no-kernel';
  }
  if (notebook.runCount === 0) {
    return 'nothing-run';
  }
  return null;
}

export class PanelModel {
  /** Emits when the followed notebook, or anything about it, changes. */
  get changed(): ISignal<PanelModel, void> {
    return this._changed;
  }

  get notebook(): IWatchedNotebook | null {
    return this._notebook;
  }

  get emptyState(): EmptyState {
    return emptyStateOf(this._notebook);
  }

  /** Follow another notebook (or none). */
  setNotebook(notebook: IWatchedNotebook | null): void {
    if (notebook === this._notebook) {
      return;
    }
    this._notebook?.changed.disconnect(this._onNotebookChanged, this);
    this._notebook = notebook;
    notebook?.changed.connect(this._onNotebookChanged, this);
    this._changed.emit();
  }

  dispose(): void {
    this.setNotebook(null);
    Signal.clearData(this);
  }

  private _onNotebookChanged(): void {
    this._changed.emit();
  }

  private _notebook: IWatchedNotebook | null = null;
  private _changed = new Signal<PanelModel, void>(this);
}
