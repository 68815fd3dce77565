/**
 * Adapts a JupyterLab NotebookPanel to `IHealthSource` and `IVerifySource`:
 * the saved file's server path and version, the dirty flag, saving, the
 * selection that "Extract Function…" acts on, and revealing a saved cell.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { CommandRegistry } from '@lumino/commands';
import { ISignal, Signal } from '@lumino/signaling';

import { ExtractCommandIDs } from './extract/commands';
import { revealCell, serverPath } from './extract/notebook';
import { IHealthSource } from './health';
import { IVerifySource } from './verify';

export class SavedNotebook implements IHealthSource, IVerifySource {
  constructor(
    readonly panel: NotebookPanel,
    private readonly _commands: CommandRegistry
  ) {
    const context = panel.context;
    // fileChanged follows every load, save and revert of the file.
    context.fileChanged.connect(this._emit, this);
    context.pathChanged.connect(this._emit, this);
    context.model.stateChanged.connect(this._onModelState, this);
    void context.ready.then(() => this._emit());
    panel.disposed.connect(this.dispose, this);
  }

  get changed(): ISignal<IHealthSource, void> {
    return this._changed;
  }

  get path(): string | null {
    return serverPath(this.panel.context);
  }

  get version(): string | null {
    return this.panel.context.contentsModel?.last_modified ?? null;
  }

  get dirty(): boolean {
    return this.panel.context.model.dirty;
  }

  get canExtract(): boolean {
    return this._commands.hasCommand(ExtractCommandIDs.extractFunction);
  }

  cellIds(): string[] {
    const model = this.panel.content.model;
    return model ? Array.from(model.cells, cell => cell.id) : [];
  }

  async save(): Promise<void> {
    await this.panel.context.save();
  }

  async revealCell(cell: { index: number; id: string | null }): Promise<void> {
    const notebook = this.panel.content;
    const byId =
      cell.id === null
        ? -1
        : notebook.widgets.findIndex(widget => widget.model.id === cell.id);
    await revealCell(notebook, byId >= 0 ? byId : cell.index, null);
    notebook.activate();
  }

  async extract(cells: number[]): Promise<void> {
    const notebook = this.panel.content;
    const first = cells[0];
    const last = cells[cells.length - 1];
    notebook.mode = 'command';
    notebook.deselectAll();
    notebook.activeCellIndex = first;
    notebook.extendContiguousSelectionTo(last);
    // Through the windowed list, so cells outside the viewport are reached.
    await notebook.scrollToItem(first, 'start');
    // The command acts on the current notebook: the one that has the focus.
    notebook.activate();
    await this._commands.execute(ExtractCommandIDs.extractFunction);
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    const context = this.panel.context;
    context.fileChanged.disconnect(this._emit, this);
    context.pathChanged.disconnect(this._emit, this);
    context.model.stateChanged.disconnect(this._onModelState, this);
    this.panel.disposed.disconnect(this.dispose, this);
    Signal.clearData(this);
  }

  private _onModelState(_: unknown, change: { name: string }): void {
    if (change.name === 'dirty') {
      this._emit();
    }
  }

  private _emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _disposed = false;
  private _changed = new Signal<IHealthSource, void>(this);
}
