/**
 * One notebook's execution log for the current kernel session, and the
 * server's analysis of it. Free of JupyterLab widgets: watched.ts feeds it
 * the notebook's events, so it can be tested with plain data.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { NbRefactorClient } from './api';
import { IProbeAnswer, namesToFingerprint } from './probe';
import { DEFAULT_SETTINGS, INbRefactorSettings } from './settings';
import { NbRefactorAPI } from './tokens';

/** Id given to a history entry that matches no cell: a producer no cell holds. */
export const HISTORY_CELL_PREFIX = 'history:';

/** A code cell as history matching needs it. */
export interface ICellSnapshot {
  id: string;
  source: string;
  /** The execution count the notebook shows for the cell, or null. */
  execution_count: number | null;
  /** The `ename` of an error output, when the cell shows one. */
  error: string | null;
}

/** One entry of a `history_request` reply: [session, line, source]. */
export type HistoryEntry = [number, number, string];

/** Cell sources compare equal when they differ only by trailing whitespace (IPython strips it). */
export function sameSource(a: string, b: string): boolean {
  return a.replace(/\s+$/, '') === b.replace(/\s+$/, '');
}

/**
 * Turn the kernel's input history into runs, matching each entry to a cell:
 * the cell showing that execution count with that source, else the first cell
 * with that source, else the cell showing that count (edited since). What
 * matches no cell is hidden state: it gets an id no cell has.
 */
export function runsFromHistory(
  history: readonly HistoryEntry[],
  cells: readonly ICellSnapshot[]
): NbRefactorAPI.IRun[] {
  return history.map(([, line, source]) => {
    const byCount = cells.find(cell => cell.execution_count === line);
    const cell =
      byCount && sameSource(byCount.source, source)
        ? byCount
        : (cells.find(c => sameSource(c.source, source)) ?? byCount);
    return {
      cell_id: cell ? cell.id : `${HISTORY_CELL_PREFIX}${line}`,
      source,
      execution_count: line,
      error: cell && cell.execution_count === line ? cell.error : null
    };
  });
}

export namespace ExecutionTracker {
  export interface IOptions {
    client: NbRefactorClient;
    /** The notebook now, in order. */
    cells: () => NbRefactorAPI.IAnalyzeCell[];
    /**
     * Ask the kernel (silent, read-only) which names its namespace holds now,
     * and the fingerprints of `fingerprint`'s values; null when unknown.
     */
    probe?: (fingerprint: readonly string[]) => Promise<IProbeAnswer | null>;
    settings?: INbRefactorSettings;
    /** The notebook's server path (the server reads its local modules), or null. */
    path?: () => string | null;
  }
}

export class ExecutionTracker {
  constructor(options: ExecutionTracker.IOptions) {
    this._client = options.client;
    this._cellsNow = options.cells;
    this._probe = options.probe ?? null;
    this._settings = options.settings ?? DEFAULT_SETTINGS;
    this._path = options.path ?? (() => null);
  }

  /** The local modules the runs and cells import, as on disk at the last analysis. */
  get modules(): NbRefactorAPI.IModuleSnapshot {
    return this._modules;
  }

  /**
   * A local module changed on disk (saved in JupyterLab or written by
   * anything else): analysed at once, even with an unchanged request.
   */
  modulesChanged(): void {
    this._lastKey = null;
    this._schedule(true);
  }

  /** Reload Module ran in the kernel for these modules (dependencies first). */
  recordReload(paths: readonly string[]): void {
    this._reloads = [
      ...this._reloads,
      { after: this._runs.length, paths: [...paths], modules: this._modules }
    ];
    this._lastKey = null;
    this._schedule(true);
  }

  /** Emits when the log, the analysis or its status changes. */
  get changed(): ISignal<ExecutionTracker, void> {
    return this._changed;
  }

  /** This kernel session's runs, oldest first. */
  get runs(): readonly NbRefactorAPI.IRun[] {
    return this._runs;
  }

  /** The kernel's language, once known. */
  get language(): string | null {
    return this._language;
  }

  /** The last good analysis; kept when a later one fails. */
  get result(): NbRefactorAPI.IAnalyzeResponse | null {
    return this._result;
  }

  /** The notebook now, in order. */
  cells(): NbRefactorAPI.IAnalyzeCell[] {
    return this._cellsNow();
  }

  /** Why the last analysis failed, or null. */
  get error(): string | null {
    return this._error;
  }

  /** Whether a request is in flight (not signalled: views show results, not progress). */
  get analyzing(): boolean {
    return this._running;
  }

  get settings(): INbRefactorSettings {
    return this._settings;
  }

  /** The server's notice when it does not analyse this kernel's language. */
  get notice(): string | null {
    return this._result?.notice ?? null;
  }

  /** The warnings of the kinds the settings show. */
  get warnings(): NbRefactorAPI.IWarning[] {
    if (!this._result || this.notice) {
      return [];
    }
    const kinds = this._settings.warningKinds;
    return this._result.warnings.filter(w => kinds[w.kind] !== false);
  }

  setSettings(settings: INbRefactorSettings): void {
    this._settings = settings;
    this._changed.emit();
  }

  setLanguage(language: string | null): void {
    if (language === this._language) {
      return;
    }
    this._language = language;
    this._lastKey = null;
    this._schedule(true);
  }

  /** A new kernel session (restart or another kernel): the log starts empty. */
  clear(): void {
    this._runs = [];
    this._reloads = [];
    this._result = null;
    this._error = null;
    this._lastKey = null;
    this._names = null;
    this._logVersion++;
    this._epoch++;
    this._cancelTimer();
    this._changed.emit();
  }

  /**
   * A cell finished running. Analysed at once, unless `more` of the
   * notebook's cells are still queued in the kernel (Run All): then once the
   * runs pause for `debounceMs` or the last one is recorded, so a burst costs
   * one analysis instead of one per cell, and the server's work does not
   * compete with the kernel's. No signal yet: the views update once, with the
   * analysis.
   */
  recordRun(run: NbRefactorAPI.IRun, more = false): void {
    // what the kernel would load if this run imports a module for the first time
    if (!run.modules && Object.keys(this._modules).length > 0) {
      run = { ...run, modules: this._modules };
    }
    this._runs = [...this._runs, run];
    this._logVersion++;
    this._schedule(!more);
  }

  /**
   * Cells were replaced by one cell that does the same (an extraction): their
   * runs become runs of the new cell, with its source, so the replacement
   * causes no stale, edited or hidden-state warning. Returns the undo: the
   * replaced cells, restored, get their runs back.
   */
  recordReplacement(
    newCellId: string,
    replacedIds: readonly string[],
    source: string
  ): () => void {
    const replaced = new Set(replacedIds);
    const inherited = new Map<NbRefactorAPI.IRun, NbRefactorAPI.IRun>();
    if (!this._runs.some(run => replaced.has(run.cell_id))) {
      return () => undefined;
    }
    this._runs = this._runs.map(run => {
      if (!replaced.has(run.cell_id)) {
        return run;
      }
      const moved = { ...run, cell_id: newCellId, source, error: null };
      inherited.set(moved, run);
      return moved;
    });
    this._logVersion++;
    this._schedule(true);
    // Undo: the restored cells get their own runs back (runs of the new cell since stay its own).
    return () => {
      if (!this._runs.some(run => inherited.has(run))) {
        return;
      }
      this._runs = this._runs.map(run => inherited.get(run) ?? run);
      this._logVersion++;
      this._changed.emit();
      this._schedule(true);
    };
  }

  /**
   * Merge runs rebuilt from the kernel's history: those whose execution count
   * the log does not hold yet, in execution-count order.
   */
  addHistory(runs: readonly NbRefactorAPI.IRun[]): void {
    const known = new Set(this._runs.map(run => run.execution_count));
    const added = runs.filter(run => !known.has(run.execution_count));
    if (added.length === 0) {
      return;
    }
    this._runs = [...added, ...this._runs].sort(
      (a, b) => (a.execution_count ?? 0) - (b.execution_count ?? 0)
    );
    this._logVersion++;
    this._changed.emit();
    this._schedule(true);
  }

  /** Sources, cells or their order changed; analysed once edits pause. */
  notebookChanged(): void {
    if (this._runs.length > 0) {
      this._schedule(false);
    }
  }

  /**
   * Analyse now (unless the request would be the same as the last one).
   * Resolves once no analysis is pending.
   */
  analyzeNow(): Promise<void> {
    this._cancelTimer();
    if (this._running) {
      this._again = true;
    } else {
      this._running = true;
      this._inFlight = this._analyzeLoop();
    }
    return this._inFlight;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._cancelTimer();
    Signal.clearData(this);
  }

  private async _analyzeLoop(): Promise<void> {
    try {
      do {
        this._again = false;
        await this._analyzeOnce();
      } while (this._again && !this._disposed);
    } finally {
      // In the same microtask as the last check of `_again`, so a request
      // for another pass is never lost.
      this._running = false;
    }
  }

  private async _analyzeOnce(): Promise<void> {
    const epoch = this._epoch;
    if (this._runs.length === 0) {
      return;
    }
    this._probeNames();
    const request: NbRefactorAPI.IAnalyzeRequest = {
      cells: this._cellsNow(),
      runs: this._runs,
      kernel_names: this._probeWanted() ? this._names : null
    };
    if (this._language) {
      request.language = this._language;
    }
    const path = this._path();
    if (path !== null) {
      request.path = path;
    }
    if (this._reloads.length > 0) {
      request.reloads = this._reloads;
    }
    // Serialised once: to skip a request equal to the last one, and as its body.
    const key = JSON.stringify(request);
    if (key === this._lastKey) {
      return;
    }
    const sent = this._runs;
    try {
      const result = await this._client.analyze(request, key);
      if (epoch !== this._epoch) {
        this._again = true;
        return;
      }
      this._result = result;
      this._modules = result.modules ?? {};
      this._stampRuns(sent, this._modules);
      this._error = null;
      this._lastKey = key;
    } catch (reason) {
      if (epoch !== this._epoch) {
        this._again = true;
        return;
      }
      this._error = reason instanceof Error ? reason.message : String(reason);
    }
    this._changed.emit();
  }

  /**
   * Runs recorded before an answer knew a module they import (the first runs
   * of a session, a Run All, a cell importing a module no cell imported
   * before) take its entry from the first answer that has it, which read the
   * disk right after they ran: a later edit of the module is then one.
   * Stamped in place, so an extraction's undo still finds its runs.
   */
  private _stampRuns(
    runs: readonly NbRefactorAPI.IRun[],
    modules: NbRefactorAPI.IModuleSnapshot
  ): void {
    const known = Object.entries(modules).filter(([, entry]) => entry);
    if (known.length === 0) {
      return;
    }
    for (const run of runs) {
      const stamp = run.modules ?? {};
      const missing = known.filter(([path]) => !(path in stamp));
      if (missing.length > 0) {
        const filled = { ...stamp };
        for (const [path, entry] of missing) {
          filled[path] = entry;
        }
        run.modules = filled;
      }
    }
  }

  private _probeWanted(): boolean {
    return (
      this._probe !== null &&
      this._settings.namespaceProbe &&
      (this._language ?? 'python') === 'python'
    );
  }

  /**
   * Ask the kernel for its names once per state of the log, one probe at a
   * time, and for the fingerprints of what the last run's cell binds (its
   * `defines` and `mutates` in the last analysis). Analysis does not wait for
   * it (the markers must follow a run at once): it uses the names known so
   * far, and runs again when the probe brings different names or
   * fingerprints. Fingerprints are given to the last run only while it is
   * still the last: the kernel answers in order, so a later run's reply
   * would have come first.
   */
  private _probeNames(): void {
    if (
      !this._probeWanted() ||
      this._probing ||
      this._probedVersion === this._logVersion
    ) {
      return;
    }
    this._probing = true;
    const epoch = this._epoch;
    const version = this._logVersion;
    const last = this._runs[this._runs.length - 1] ?? null;
    const wanted = last
      ? namesToFingerprint(this._result?.cells[last.cell_id])
      : [];
    this._probe!(wanted)
      .catch(() => null)
      .then(answer => {
        this._probing = false;
        if (this._disposed || epoch !== this._epoch) {
          return;
        }
        this._probedVersion = version;
        const names = answer?.names ?? null;
        let again = false;
        if (names && JSON.stringify(names) !== JSON.stringify(this._names)) {
          this._names = names;
          again = true;
        }
        if (
          last &&
          version === this._logVersion &&
          answer?.fingerprints &&
          this._attachFingerprints(last, answer.fingerprints)
        ) {
          again = true;
        }
        if (again) {
          this._schedule(true);
        } else if (version !== this._logVersion) {
          this._probeNames();
        }
      });
  }

  /** Give the last run its fingerprints; false when there are none or nothing changes. */
  private _attachFingerprints(
    run: NbRefactorAPI.IRun,
    fingerprints: { [name: string]: string }
  ): boolean {
    const index = this._runs.length - 1;
    if (
      this._runs[index] !== run ||
      Object.keys(fingerprints).length === 0 ||
      JSON.stringify(run.fingerprints) === JSON.stringify(fingerprints)
    ) {
      return false;
    }
    // Not a new state of the log: no new probe for it.
    this._runs = [...this._runs.slice(0, index), { ...run, fingerprints }];
    return true;
  }

  /**
   * Urgent (after runs): in a microtask, so the request leaves before the
   * browser turns to other queued work; a synchronous burst still makes one
   * request. Otherwise (edits): once they pause for `debounceMs`.
   */
  private _schedule(urgent: boolean): void {
    if (this._disposed || this._urgentPending) {
      return;
    }
    this._cancelTimer();
    if (urgent) {
      this._urgentPending = true;
      void Promise.resolve().then(() => {
        this._urgentPending = false;
        if (!this._disposed) {
          void this.analyzeNow();
        }
      });
    } else {
      this._timer = setTimeout(() => {
        this._timer = null;
        void this.analyzeNow();
      }, this._settings.debounceMs);
    }
  }

  private _cancelTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _client: NbRefactorClient;
  private _cellsNow: () => NbRefactorAPI.IAnalyzeCell[];
  private _probe:
    ((fingerprint: readonly string[]) => Promise<IProbeAnswer | null>) | null;
  private _settings: INbRefactorSettings;
  private _runs: NbRefactorAPI.IRun[] = [];
  private _path: () => string | null;
  private _modules: NbRefactorAPI.IModuleSnapshot = {};
  private _reloads: NbRefactorAPI.IModuleReload[] = [];
  private _language: string | null = null;
  private _result: NbRefactorAPI.IAnalyzeResponse | null = null;
  private _error: string | null = null;
  private _names: string[] | null = null;
  private _probing = false;
  private _logVersion = 0;
  private _probedVersion = -1;
  private _lastKey: string | null = null;
  private _epoch = 0;
  private _running = false;
  private _inFlight: Promise<void> = Promise.resolve();
  private _again = false;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _urgentPending = false;
  private _disposed = false;
  private _changed = new Signal<ExecutionTracker, void>(this);
}
