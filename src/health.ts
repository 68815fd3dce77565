/**
 * The sidebar's Health view model: the server's health report of the
 * followed notebook as saved, refreshed after each save and on demand.
 * Free of JupyterLab widgets: saved.ts adapts a NotebookPanel to
 * `IHealthSource`, so the model can be tested with plain data.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { NbRefactorClient } from './api';
import { NbRefactorAPI } from './tokens';

/** A notebook as the Health view needs it. */
export interface IHealthSource {
  /** The saved file's path relative to the server root; null when the server cannot read it. */
  readonly path: string | null;
  /** Changes whenever the file on the server changes (its last-modified time). */
  readonly version: string | null;
  /** Whether the notebook has changes the saved file does not have. */
  readonly dirty: boolean;
  /** Emits when any of the above changes. */
  readonly changed: ISignal<IHealthSource, void>;
  /** The notebook's cell ids now, in order. */
  cellIds(): string[];
  /** Whether "Extract Function…" exists in this JupyterLab. */
  readonly canExtract: boolean;
  /** Select the cells (0-based, adjacent) and open "Extract Function…" on them. */
  extract(cells: number[]): Promise<void>;
  /** Stop listening to the notebook. */
  dispose(): void;
}

/** What the Health view shows instead of a report; null when it has a notebook to report on. */
export type HealthEmptyState = 'no-notebook' | 'unsaved' | null;

/**
 * Where a candidate's cells are now: by their ids when the saved notebook had
 * ids (cells may have moved since), else by the saved indices. Null when a
 * cell is gone or the cells are no longer adjacent and in order.
 */
export function currentCells(
  candidate: NbRefactorAPI.IExtractionCandidate,
  cellIds: readonly string[]
): number[] | null {
  const cells = candidate.cell_ids.every(id => id !== null)
    ? candidate.cell_ids.map(id => cellIds.indexOf(id!))
    : candidate.cells;
  const valid = cells.every(
    (index, i) =>
      index >= 0 &&
      index < cellIds.length &&
      (i === 0 || index === cells[i - 1] + 1)
  );
  return cells.length > 0 && valid ? cells : null;
}

export class HealthModel {
  constructor(options: { client: NbRefactorClient }) {
    this._client = options.client;
  }

  /** Emits when the source, the report, the error or the loading state changes. */
  get changed(): ISignal<HealthModel, void> {
    return this._changed;
  }

  get source(): IHealthSource | null {
    return this._source;
  }

  get emptyState(): HealthEmptyState {
    if (!this._source) {
      return 'no-notebook';
    }
    return this._source.path === null ? 'unsaved' : null;
  }

  /** The last good report of the followed notebook; kept when a later request fails. */
  get report(): NbRefactorAPI.IHealthReport | null {
    return this._report;
  }

  /** Why the last request failed, or null. */
  get error(): string | null {
    return this._error;
  }

  /** Whether a request is in flight. */
  get loading(): boolean {
    return this._loading;
  }

  /** Whether the view is showing: reports are fetched only then. */
  get active(): boolean {
    return this._active;
  }

  /**
   * Follow another notebook (or none). The model owns the source: the one
   * it followed before is disposed.
   */
  setSource(source: IHealthSource | null): void {
    if (source === this._source) {
      return;
    }
    if (this._source) {
      this._source.changed.disconnect(this._onSourceChanged, this);
      this._source.dispose();
    }
    this._source = source;
    source?.changed.connect(this._onSourceChanged, this);
    // The report, an error or a request in flight belong to the other notebook.
    this._report = null;
    this._error = null;
    this._loading = false;
    this._fetchedKey = null;
    this._request++;
    this._changed.emit();
    this._refreshIfOutdated();
  }

  /** The view shows (or hides) the report; showing fetches it if the file changed since. */
  setActive(active: boolean): void {
    if (active === this._active) {
      return;
    }
    this._active = active;
    this._refreshIfOutdated();
  }

  /** Fetch the report of the saved notebook now. Resolves when it arrived (or failed). */
  async refresh(): Promise<void> {
    const source = this._source;
    const path = source?.path ?? null;
    if (!source || path === null) {
      return;
    }
    const request = ++this._request;
    const key = this._keyOf(source);
    this._pendingKey = key;
    this._loading = true;
    this._changed.emit();
    try {
      const report = await this._client.report(path);
      if (request !== this._request) {
        return;
      }
      this._report = report;
      this._error = null;
      this._fetchedKey = key;
    } catch (reason) {
      if (request !== this._request) {
        return;
      }
      this._error = reason instanceof Error ? reason.message : String(reason);
    }
    this._loading = false;
    this._changed.emit();
  }

  /** The candidate's cells in the notebook now, or null when it cannot be extracted any more. */
  candidateCells(
    candidate: NbRefactorAPI.IExtractionCandidate
  ): number[] | null {
    return this._source
      ? currentCells(candidate, this._source.cellIds())
      : null;
  }

  /** Select the candidate's cells and open "Extract Function…" on them. */
  async extract(candidate: NbRefactorAPI.IExtractionCandidate): Promise<void> {
    const cells = this.candidateCells(candidate);
    if (this._source?.canExtract && cells) {
      await this._source.extract(cells);
    }
  }

  dispose(): void {
    this.setSource(null);
    Signal.clearData(this);
  }

  private _onSourceChanged(): void {
    this._changed.emit();
    this._refreshIfOutdated();
  }

  /** Fetch when the view shows and the file changed since the last report. */
  private _refreshIfOutdated(): void {
    const source = this._source;
    if (!this._active || !source || source.path === null) {
      return;
    }
    const key = this._keyOf(source);
    if (
      key !== this._fetchedKey &&
      !(this._loading && key === this._pendingKey)
    ) {
      void this.refresh();
    }
  }

  private _keyOf(source: IHealthSource): string {
    return JSON.stringify([source.path, source.version]);
  }

  private _client: NbRefactorClient;
  private _source: IHealthSource | null = null;
  private _report: NbRefactorAPI.IHealthReport | null = null;
  private _error: string | null = null;
  private _loading = false;
  private _active = false;
  private _fetchedKey: string | null = null;
  private _pendingKey: string | null = null;
  private _request = 0;
  private _changed = new Signal<HealthModel, void>(this);
}
