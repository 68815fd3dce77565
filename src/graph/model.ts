/**
 * GraphModel: the dataflow graph of the notebook the panel follows, fetched
 * from the server (`POST graph`) only while the Dependency or Variables view
 * is on screen, again after edits (debounced) and when the active cell
 * changes (its upstream and downstream). Also the views' state: name filter,
 * folded headings, and (Variables view) the probe's types and shapes.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { NbRefactorClient } from '../api';
import { IWatchedNotebook } from '../model';
import { NbRefactorAPI } from '../tokens';
import { IDescriptions } from './describe';

export namespace GraphModel {
  export interface IOptions {
    client: NbRefactorClient;
    /** Types and shapes of names in the notebook's kernel (silent); null when unknown. */
    describe?: (
      notebook: IWatchedNotebook,
      names: readonly string[]
    ) => Promise<IDescriptions | null>;
    /** Milliseconds edits must pause before the graph is fetched again. */
    delay?: number;
  }
}

/** Which of the graph's views is on screen, or none. */
export type GraphView = 'dependencies' | 'variables' | null;

export class GraphModel {
  constructor(options: GraphModel.IOptions) {
    this._client = options.client;
    this._describe = options.describe ?? null;
    this._delay = options.delay ?? 200;
  }

  get changed(): ISignal<GraphModel, void> {
    return this._changed;
  }

  get notebook(): IWatchedNotebook | null {
    return this._notebook;
  }

  /** The last graph fetched for the followed notebook, or null. */
  get graph(): NbRefactorAPI.IGraph | null {
    return this._graph;
  }

  /** The cell whose upstream and downstream the graph holds. */
  get selected(): string | null {
    return this._graph?.upstream ? this._selected : null;
  }

  /** Why the last fetch failed (the server's message), or null. */
  get error(): string | null {
    return this._error;
  }

  get loading(): boolean {
    return this._loading;
  }

  get filter(): string {
    return this._filter;
  }

  setFilter(filter: string): void {
    this._filter = filter;
    this._changed.emit();
  }

  get folded(): ReadonlySet<number> {
    return this._folded;
  }

  /** Fold or unfold the cells under the heading cell `number`. */
  toggleSection(number: number): void {
    if (!this._folded.delete(number)) {
      this._folded.add(number);
    }
    this._changed.emit();
  }

  /** name -> its type and shape in the kernel, as far as known. */
  get descriptions(): IDescriptions {
    return this._descriptions;
  }

  /** Follow another notebook (or none). */
  setNotebook(notebook: IWatchedNotebook | null): void {
    if (notebook === this._notebook) {
      return;
    }
    this._notebook?.changed.disconnect(this._onNotebookChanged, this);
    this._notebook = notebook;
    notebook?.changed.connect(this._onNotebookChanged, this);
    this._graph = null;
    this._error = null;
    this._key = null;
    this._folded = new Set();
    this._descriptions = {};
    this._described = null;
    this._selected = notebook?.activeCellId ?? null;
    this._changed.emit();
    this._schedule(0);
  }

  /** The view on screen (fetching happens only while one is). */
  setView(view: GraphView): void {
    this._view = view;
    this._schedule(0);
  }

  /** The active cell changed: its upstream and downstream are fetched. */
  setActiveCell(cellId: string | null): void {
    if (cellId === this._selected) {
      return;
    }
    this._selected = cellId;
    this._schedule(0);
  }

  /** Fetch now (when a view is on screen and something changed). */
  async refresh(): Promise<void> {
    const notebook = this._notebook;
    if (!notebook || this._view === null) {
      return;
    }
    const cells = notebook.tracker.cells();
    const code = new Set(
      cells.filter(c => c.cell_type === 'code').map(c => c.id)
    );
    const request: NbRefactorAPI.IGraphRequest = {
      cells,
      language: notebook.tracker.language ?? undefined,
      cell_id:
        this._selected !== null && code.has(this._selected)
          ? this._selected
          : null
    };
    const key = JSON.stringify(request);
    if (key !== this._key) {
      this._key = key;
      this._loading = true;
      this._changed.emit();
      try {
        const graph = await this._client.graph(request);
        if (notebook === this._notebook && key === this._key) {
          this._graph = graph;
          this._error = null;
        }
      } catch (reason) {
        if (notebook === this._notebook && key === this._key) {
          this._error = (reason as Error).message;
          this._key = null;
        }
      } finally {
        this._loading = false;
        this._changed.emit();
      }
    }
    await this._describeNames(notebook);
  }

  dispose(): void {
    this.setNotebook(null);
    window.clearTimeout(this._timer);
    Signal.clearData(this);
  }

  /** Variables view: ask the kernel once per state of its run log. */
  private async _describeNames(notebook: IWatchedNotebook): Promise<void> {
    const graph = this._graph;
    if (
      this._view !== 'variables' ||
      !this._describe ||
      !graph ||
      graph.notice ||
      !notebook.tracker.settings.namespaceProbe ||
      notebook.kernelName === null
    ) {
      return;
    }
    const state = `${notebook.tracker.runs.length}:${graph.names.length}`;
    if (state === this._described) {
      return;
    }
    this._described = state;
    const found = await this._describe(
      notebook,
      graph.names.map(n => n.name)
    );
    if (found && notebook === this._notebook) {
      this._descriptions = found;
      this._changed.emit();
    }
  }

  /** Edits: fetch once they pause. */
  private _onNotebookChanged(): void {
    this._schedule(this._delay);
  }

  /**
   * Fetch after `delay` ms unless asked again meanwhile. A view shown, a
   * notebook followed or a cell selected fetch at once (a click should
   * highlight without waiting for a pause in typing); an answer overtaken by
   * a newer request is dropped.
   */
  private _schedule(delay: number): void {
    if (this._view === null || !this._notebook) {
      return;
    }
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(() => void this.refresh(), delay);
  }

  private _client: NbRefactorClient;
  private _describe: GraphModel.IOptions['describe'] | null;
  private _delay: number;
  private _notebook: IWatchedNotebook | null = null;
  private _view: GraphView = null;
  private _graph: NbRefactorAPI.IGraph | null = null;
  private _error: string | null = null;
  private _loading = false;
  private _key: string | null = null;
  private _selected: string | null = null;
  private _filter = '';
  private _folded = new Set<number>();
  private _descriptions: IDescriptions = {};
  private _described: string | null = null;
  private _timer = 0;
  private _changed = new Signal<GraphModel, void>(this);
}
