/**
 * Adapts a JupyterLab NotebookPanel to `IWatchedNotebook`: feeds the panel's
 * runs, edits and kernel events to an ExecutionTracker, rebuilds the log from
 * the kernel's input history, and performs the panel's actions on the notebook.
 */
import { ICodeCellModel } from '@jupyterlab/cells';
import {
  KernelError,
  Notebook,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { NbRefactorClient } from './api';
import { nextWarnedCell, warningsByCell } from './findings';
import { IWatchedNotebook } from './model';
import {
  fingerprintExpression,
  fingerprintsFromProbe,
  IProbeAnswer,
  NAMES_EXPRESSION,
  namesFromProbe
} from './probe';
import { runOneByOne } from './runner';
import { SettingsModel } from './settings';
import { NbRefactorAPI } from './tokens';
import {
  ExecutionTracker,
  HistoryEntry,
  ICellSnapshot,
  runsFromHistory
} from './tracker';

export class WatchedNotebook implements IWatchedNotebook {
  constructor(
    readonly panel: NotebookPanel,
    options: { client: NbRefactorClient; settings: SettingsModel }
  ) {
    this._settings = options.settings;
    this.tracker = new ExecutionTracker({
      client: options.client,
      cells: () => this._analyzeCells(),
      probe: names => this._probe(names),
      settings: options.settings.value,
      path: () => panel.context?.path ?? null // (test doubles have no context)
    });
    this.tracker.changed.connect(this._emitSoon, this);
    options.settings.changed.connect(this._onSettingsChanged, this);

    const session = panel.sessionContext;
    session.kernelChanged.connect(this._onKernelChanged, this);
    session.statusChanged.connect(this._onStatusChanged, this);
    panel.title.changed.connect(this._emit, this);
    panel.content.modelContentChanged.connect(this._onContentChanged, this);
    NotebookActions.executionScheduled.connect(this._onScheduled, this);
    NotebookActions.executed.connect(this._onExecuted, this);
    panel.disposed.connect(this.dispose, this);
    void session.ready.then(() => this._onKernelChanged());
  }

  readonly tracker: ExecutionTracker;

  get title(): string {
    return this.panel.title.label;
  }

  get kernelName(): string | null {
    const kernel = this.panel.sessionContext.session?.kernel;
    return kernel ? this.panel.sessionContext.kernelDisplayName : null;
  }

  get runCount(): number {
    return this.tracker.runs.length;
  }

  get changed(): ISignal<IWatchedNotebook, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  async revealCell(cellId: string): Promise<void> {
    const notebook = this.panel.content;
    const index = notebook.widgets.findIndex(cell => cell.model.id === cellId);
    if (index < 0) {
      return;
    }
    notebook.mode = 'command';
    notebook.activeCellIndex = index;
    notebook.deselectAll();
    // scrollToItem works through the windowed list, so it reaches cells
    // that are not attached to the DOM.
    await notebook.scrollToItem(index, 'smart');
    notebook.activate();
  }

  async revealNextWarning(): Promise<void> {
    const groups = warningsByCell(
      this.tracker.warnings,
      this.tracker.cells(),
      this.tracker.runs
    );
    const next = nextWarnedCell(groups, this.panel.content.activeCellIndex);
    if (next !== null) {
      await this.revealCell(next);
    }
  }

  get activeCellId(): string | null {
    return this.panel.content.activeCell?.model.id ?? null;
  }

  /**
   * Run the cells one after another, each once the one before succeeded;
   * stop at the first failure. Only the cell running has its outputs
   * cleared: nothing is queued that a failure would cancel. One sequence at
   * a time: asked again meanwhile, it runs nothing and answers false.
   */
  async runCells(ids: readonly string[]): Promise<boolean> {
    if (this._runningCells) {
      return false;
    }
    this._runningCells = true;
    try {
      const outcome = await runOneByOne(ids, id => this._runCell(id));
      return outcome.failed === null;
    } finally {
      this._runningCells = false;
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._kernel?.anyMessage.disconnect(this._onKernelMessage, this);
    NotebookActions.executionScheduled.disconnect(this._onScheduled, this);
    NotebookActions.executed.disconnect(this._onExecuted, this);
    this._settings.changed.disconnect(this._onSettingsChanged, this);
    this.tracker.dispose();
    Signal.clearData(this);
  }

  /** Run one code cell now; null when it is no longer there (or not code). */
  private async _runCell(id: string): Promise<boolean | null> {
    const notebook = this.panel.content;
    if (this._disposed) {
      return false;
    }
    const cell = notebook.widgets.find(widget => widget.model.id === id);
    if (!cell || cell.model.type !== 'code') {
      return null;
    }
    return NotebookActions.runCells(
      notebook,
      [cell],
      this.panel.sessionContext
    );
  }

  private _analyzeCells(): NbRefactorAPI.IAnalyzeCell[] {
    const cells: NbRefactorAPI.IAnalyzeCell[] = [];
    const model = this.panel.content.model;
    if (model) {
      for (const cell of model.cells) {
        cells.push({
          id: cell.id,
          source: cell.sharedModel.getSource(),
          cell_type: cell.type
        });
      }
    }
    return cells;
  }

  private _cellSnapshots(): ICellSnapshot[] {
    const snapshots: ICellSnapshot[] = [];
    const model = this.panel.content.model;
    if (!model) {
      return snapshots;
    }
    for (const cell of model.cells) {
      if (cell.type !== 'code') {
        continue;
      }
      const code = cell as ICodeCellModel;
      const error = code.outputs
        .toJSON()
        .find(output => output.output_type === 'error');
      snapshots.push({
        id: cell.id,
        source: cell.sharedModel.getSource(),
        execution_count: code.executionCount,
        error: error ? String(error.ename) : null
      });
    }
    return snapshots;
  }

  private _onScheduled(
    _: unknown,
    args: { notebook: Notebook; cell: { model: { id: string } } }
  ): void {
    if (args.notebook === this.panel.content) {
      const model = args.cell.model as ICodeCellModel;
      this._scheduled.set(model.id, model.sharedModel.getSource());
    }
  }

  /**
   * A run is recorded when its `execute_reply` arrives, not at
   * `NotebookActions.executed`, which JupyterLab emits only once the kernel's
   * `idle` status has followed the reply and the cell has handled both (under
   * load, tens to hundreds of milliseconds later). Only the requests of this
   * notebook's scheduled cells count (JupyterLab puts the cell id in the
   * request's metadata); silent ones (the namespace probe) do not.
   */
  private _onKernelMessage(
    _: Kernel.IKernelConnection,
    args: Kernel.IAnyMessageArgs
  ): void {
    const { msg, direction } = args;
    if (direction === 'send') {
      if (msg.header.msg_type !== 'execute_request') {
        return;
      }
      const request = msg as KernelMessage.IExecuteRequestMsg;
      const cellId = (request.metadata as { cellId?: unknown }).cellId;
      if (
        !request.content.silent &&
        typeof cellId === 'string' &&
        this._scheduled.has(cellId)
      ) {
        this._requests.set(request.header.msg_id, {
          cellId,
          source: request.content.code
        });
      }
      return;
    }
    if (!KernelMessage.isExecuteReplyMsg(msg)) {
      return;
    }
    const parentId = (msg.parent_header as { msg_id?: string }).msg_id ?? '';
    const request = this._requests.get(parentId);
    if (!request) {
      return;
    }
    this._requests.delete(parentId);
    const content = msg.content;
    // Aborted requests carry no execution count: the kernel never ran them.
    if (content.status !== 'ok' && content.status !== 'error') {
      return;
    }
    if (typeof content.execution_count !== 'number') {
      return;
    }
    this._scheduled.delete(request.cellId);
    this.tracker.recordRun(
      {
        cell_id: request.cellId,
        source: request.source,
        execution_count: content.execution_count,
        error: content.status === 'error' ? content.ename : null
      },
      this._requests.size > 0
    );
  }

  /** Runs whose reply this notebook did not see (e.g. sent before it connected). */
  private _onExecuted(
    _: unknown,
    args: {
      notebook: Notebook;
      cell: { model: { id: string; type: string } };
      success: boolean;
      error?: KernelError | null;
    }
  ): void {
    if (
      args.notebook !== this.panel.content ||
      args.cell.model.type !== 'code'
    ) {
      return;
    }
    const model = args.cell.model as ICodeCellModel;
    const count = model.executionCount;
    // Execution counts are unique in a kernel session: a count the log holds
    // was recorded from its reply.
    if (
      count !== null &&
      this.tracker.runs.some(run => run.execution_count === count)
    ) {
      this._scheduled.delete(model.id);
      return;
    }
    const source =
      this._scheduled.get(model.id) ?? model.sharedModel.getSource();
    this._scheduled.delete(model.id);
    // No execution count: the kernel never ran it (empty cell, aborted).
    if (model.executionCount === null) {
      return;
    }
    this.tracker.recordRun({
      cell_id: model.id,
      source,
      execution_count: model.executionCount,
      error: args.success ? null : (args.error?.errorName ?? 'Error')
    });
  }

  private _onContentChanged(): void {
    this.tracker.notebookChanged();
  }

  private _onSettingsChanged(): void {
    this.tracker.setSettings(this._settings.value);
  }

  /** A kernel other than the one the log belongs to: start over, from its history. */
  private _onKernelChanged(): void {
    const kernel = this.panel.sessionContext.session?.kernel ?? null;
    const id = kernel?.id ?? null;
    if (id === this._kernelId) {
      return;
    }
    this._kernelId = id;
    this._kernel?.anyMessage.disconnect(this._onKernelMessage, this);
    this._kernel = kernel;
    kernel?.anyMessage.connect(this._onKernelMessage, this);
    this._clearPending();
    this.tracker.clear();
    this.tracker.setLanguage(null);
    if (kernel) {
      void this._connectKernel(kernel);
    }
    this._emit();
  }

  private async _connectKernel(
    kernel: Kernel.IKernelConnection
  ): Promise<void> {
    try {
      const info = await kernel.info;
      if (kernel.id !== this._kernelId || this._disposed) {
        return;
      }
      const language = info.language_info.name;
      this.tracker.setLanguage(language);
      if (language === 'python') {
        await this._rebuildFromHistory(kernel);
      }
    } catch (reason) {
      console.warn('jupyter-nbrefactor: kernel history unavailable.', reason);
    }
  }

  /** After a reload, or on a kernel that already ran code, the log comes from its history. */
  private async _rebuildFromHistory(
    kernel: Kernel.IKernelConnection
  ): Promise<void> {
    const reply = await kernel.requestHistory({
      output: false,
      raw: true,
      hist_access_type: 'range',
      session: 0,
      start: 1,
      stop: 1_000_000_000
    });
    const content = reply.content as KernelMessage.IHistoryReply;
    if (
      content.status !== 'ok' ||
      kernel.id !== this._kernelId ||
      this._disposed
    ) {
      return;
    }
    const history = content.history as unknown as HistoryEntry[];
    this.tracker.addHistory(runsFromHistory(history, this._cellSnapshots()));
  }

  /**
   * One silent execute with empty code that stores no history: its user
   * expressions list the namespace's names and, when `fingerprint` names
   * some, their values' fingerprints.
   */
  private async _probe(
    fingerprint: readonly string[]
  ): Promise<IProbeAnswer | null> {
    const kernel = this.panel.sessionContext.session?.kernel;
    if (!kernel) {
      return null;
    }
    const expressions: { [key: string]: string } = { names: NAMES_EXPRESSION };
    if (fingerprint.length > 0) {
      expressions.fingerprints = fingerprintExpression(fingerprint);
    }
    const future = kernel.requestExecute({
      code: '',
      silent: true,
      store_history: false,
      user_expressions: expressions,
      allow_stdin: false,
      stop_on_error: false
    });
    const reply = await future.done;
    const content = reply.content;
    if (content.status !== 'ok') {
      return null;
    }
    const text = (key: string): string | null => {
      const value = content.user_expressions?.[key] as
        { status: string; data?: { [mime: string]: unknown } } | undefined;
      const plain = value?.status === 'ok' ? value.data?.['text/plain'] : null;
      return typeof plain === 'string' ? plain : null;
    };
    const names = text('names');
    const fingerprints = text('fingerprints');
    return {
      names: names === null ? null : namesFromProbe(names),
      fingerprints:
        fingerprints === null ? null : fingerprintsFromProbe(fingerprints)
    };
  }

  /** A restart starts a new session: the log starts empty. */
  private _onStatusChanged(_: unknown, status: string): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._clearPending();
      this.tracker.clear();
    }
  }

  private _clearPending(): void {
    this._scheduled.clear();
    this._requests.clear();
  }

  private _emit(): void {
    this._changed.emit();
  }

  /**
   * The panel, status bar and commands follow the tracker once per frame:
   * the cell markers (which listen to the tracker directly) come first.
   */
  private _emitSoon(): void {
    if (this._frame === null) {
      this._frame = requestAnimationFrame(() => {
        this._frame = null;
        if (!this._disposed) {
          this._emit();
        }
      });
    }
  }

  private _settings: SettingsModel;
  private _kernelId: string | null = null;
  private _kernel: Kernel.IKernelConnection | null = null;
  private _scheduled = new Map<string, string>();
  /** Execute requests of scheduled cells, by message id, until their reply. */
  private _requests = new Map<string, { cellId: string; source: string }>();
  private _runningCells = false;
  private _disposed = false;
  private _frame: number | null = null;
  private _changed = new Signal<IWatchedNotebook, void>(this);
}
