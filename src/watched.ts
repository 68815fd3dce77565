/**
 * Adapts a JupyterLab NotebookPanel to the small `IWatchedNotebook` interface.
 */
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { ISignal, Signal } from '@lumino/signaling';

import { IWatchedNotebook } from './model';

export class WatchedNotebook implements IWatchedNotebook {
  constructor(readonly panel: NotebookPanel) {
    const session = panel.sessionContext;
    session.kernelChanged.connect(this._onKernelChanged, this);
    session.statusChanged.connect(this._onStatusChanged, this);
    panel.title.changed.connect(this._emit, this);
    NotebookActions.executed.connect(this._onExecuted, this);
    panel.disposed.connect(this.dispose, this);
  }

  get title(): string {
    return this.panel.title.label;
  }

  get kernelName(): string | null {
    const kernel = this.panel.sessionContext.session?.kernel;
    return kernel ? this.panel.sessionContext.kernelDisplayName : null;
  }

  get runCount(): number {
    return this._runCount;
  }

  get changed(): ISignal<IWatchedNotebook, void> {
    return this._changed;
  }

  dispose(): void {
    NotebookActions.executed.disconnect(this._onExecuted, this);
    Signal.clearData(this);
  }

  private _onExecuted(
    _: unknown,
    args: { notebook: unknown; cell: unknown }
  ): void {
    if (args.notebook === this.panel.content) {
      this._runCount++;
      this._emit();
    }
  }

  private _onKernelChanged(): void {
    this._runCount = 0;
    this._emit();
  }

  private _onStatusChanged(_: unknown, status: string): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._runCount = 0;
    }
    this._emit();
  }

  private _emit(): void {
    this._changed.emit();
  }

  private _runCount = 0;
  private _changed = new Signal<IWatchedNotebook, void>(this);
}
