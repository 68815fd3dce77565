/**
 * The fresh-kernel reproducibility check: starts the server's verify job on
 * a saved notebook, polls its progress, cancels it, and keeps the last
 * result per notebook with the time it was checked. Free of React and of
 * JupyterLab widgets: saved.ts adapts a NotebookPanel to `IVerifySource`.
 */
import { PartialJSONObject } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { NbRefactorClient } from './api';
import { NbRefactorAPI } from './tokens';

/** The followed notebook as the check needs it. */
export interface IVerifySource {
  /** The saved file's path relative to the server root; null when the server cannot read it. */
  readonly path: string | null;
  /** Whether the notebook has changes the saved file does not have. */
  readonly dirty: boolean;
  /** Changes whenever the file on the server changes (its last-modified time). */
  readonly version: string | null;
  /** Emits when the path, the dirty flag or the version changes. */
  readonly changed: ISignal<unknown, void>;
  /** Save the notebook (the check runs the saved file). */
  save(): Promise<void>;
  /** Select a cell of the checked file: by its id, else by its saved position. */
  revealCell(cell: { index: number; id: string | null }): Promise<void>;
  dispose(): void;
}

/** A finished check. */
export interface IVerifyRecord {
  path: string;
  /**
   * The original it was compared with (its path, or how the caller named the
   * notebook it passed, e.g. "the notebook before the extraction"), or null
   * (compared with its own saved outputs).
   */
  against: string | null;
  result: NbRefactorAPI.IVerifyResult;
  /** When it finished (ms since the epoch). */
  checkedAt: number;
  /** The version of the file that was checked, when the model followed it; else null. */
  version: string | null;
}

/** A check under way. */
export interface IVerifyRun {
  path: string;
  against: string | null;
  /** The server's job id; null until `POST verify` answered. */
  job: string | null;
  progress: NbRefactorAPI.IVerifyProgress | null;
  /** Cancel was asked for; the job has not stopped yet. */
  cancelling: boolean;
  /**
   * When it started (`Date.now()`, the views' clock): the server's progress
   * counts seconds only as cells finish, a view counts them while one runs.
   */
  startedAt: number;
}

/** Everything the model knows about one notebook. */
export interface IVerifyEntry {
  run: IVerifyRun | null;
  /** The last check that finished; kept when a later one is cancelled or fails. */
  last: IVerifyRecord | null;
  /** Why the last check failed (the save or the start failed, the server's error), or null. */
  error: string | null;
  /** Where the last check was cancelled, or null. */
  cancelled: NbRefactorAPI.IVerifyProgress | null;
}

export namespace VerifyModel {
  export interface IOptions {
    client: NbRefactorClient;
    /** How often a running check is polled (ms). */
    pollMs?: number;
    /** Seconds one cell may run (the `verifyTimeout` setting). */
    timeout?: () => number;
    /** The clock (ms since the epoch). */
    now?: () => number;
  }
}

const EMPTY: IVerifyEntry = {
  run: null,
  last: null,
  error: null,
  cancelled: null
};

export class VerifyModel {
  constructor(options: VerifyModel.IOptions) {
    this._client = options.client;
    this._pollMs = options.pollMs ?? 500;
    this._timeout = options.timeout ?? (() => 60);
    this._now = options.now ?? Date.now;
  }

  /** Emits when the source or any notebook's check changes. */
  get changed(): ISignal<VerifyModel, void> {
    return this._changed;
  }

  get source(): IVerifySource | null {
    return this._source;
  }

  /** The followed notebook's server path, or null. */
  get path(): string | null {
    return this._source?.path ?? null;
  }

  /**
   * Follow another notebook (or none). The model owns the source: the one
   * it followed before is disposed. Checks under way go on.
   */
  setSource(source: IVerifySource | null): void {
    if (source === this._source) {
      return;
    }
    if (this._source) {
      this._source.changed.disconnect(this._emit, this);
      this._source.dispose();
    }
    this._source = source;
    source?.changed.connect(this._emit, this);
    this._emit();
  }

  /** What is known about a notebook (default: the followed one). */
  entry(path: string | null = this.path): IVerifyEntry {
    return (path !== null && this._entries.get(path)) || EMPTY;
  }

  /**
   * Check the followed notebook, saving it first when it has unsaved
   * changes. Resolves with the record, or null when cancelled or failed.
   */
  async checkSource(): Promise<IVerifyRecord | null> {
    const source = this._source;
    const path = source?.path ?? null;
    if (!source || path === null) {
      return null;
    }
    if (source.dirty) {
      try {
        await source.save();
      } catch (reason) {
        this._update(path, { error: messageOf(reason) });
        return null;
      }
    }
    return this.check(path);
  }

  /**
   * Run the saved notebook `path` in a fresh kernel and compare its outputs
   * with the saved ones, or with a fresh run of `against` (a saved
   * notebook's path), or of `original` (the notebook itself, e.g. as it was
   * before an extraction; `against` then only names it in the record). One
   * check per notebook at a time: asked again meanwhile, answers the running
   * one. Resolves with the record, or null when cancelled or failed.
   */
  check(
    path: string,
    against: string | null = null,
    original: PartialJSONObject | null = null
  ): Promise<IVerifyRecord | null> {
    const running = this._promises.get(path);
    if (running) {
      return running;
    }
    const named =
      original !== null && against === null ? 'the original notebook' : against;
    const promise = this._check(path, named, original).finally(() =>
      this._promises.delete(path)
    );
    this._promises.set(path, promise);
    return promise;
  }

  /** Cancel the check of `path` (default: the followed notebook); it stops at the next cell. */
  async cancel(path: string | null = this.path): Promise<void> {
    const run = path === null ? null : this.entry(path).run;
    if (!run || run.cancelling) {
      return;
    }
    run.cancelling = true;
    this._emit();
    if (run.job !== null) {
      await this._sendCancel(run);
    }
    // Without a job id yet, _check cancels as soon as the server answers.
  }

  /** Whether the followed notebook was saved since `record` was checked (the result may be out of date). */
  savedSince(record: IVerifyRecord): boolean {
    const source = this._source;
    return (
      !!source &&
      source.path === record.path &&
      record.version !== null &&
      source.version !== record.version
    );
  }

  /** Select the cell a result names, in the followed notebook when it is the one checked. */
  async revealCell(
    record: IVerifyRecord,
    cell: NbRefactorAPI.IVerifyCell
  ): Promise<void> {
    if (this._source && this._source.path === record.path) {
      await this._source.revealCell({ index: cell.index, id: cell.id });
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    for (const entry of this._entries.values()) {
      if (entry.run?.job) {
        void this._client.cancelVerify(entry.run.job).catch(() => undefined);
      }
    }
    this.setSource(null);
    Signal.clearData(this);
  }

  private async _check(
    path: string,
    against: string | null,
    original: PartialJSONObject | null
  ): Promise<IVerifyRecord | null> {
    const run: IVerifyRun = {
      path,
      against,
      job: null,
      progress: null,
      cancelling: false,
      startedAt: Date.now()
    };
    this._update(path, { run, error: null, cancelled: null });
    let job: string;
    try {
      const request: NbRefactorAPI.IVerifyRequest = {
        path,
        timeout: this._timeout()
      };
      if (original !== null) {
        request.against_notebook = original;
      } else if (against !== null) {
        request.against = against;
      }
      job = (await this._client.startVerify(request)).job;
    } catch (reason) {
      this._update(path, { run: null, error: messageOf(reason) });
      return null;
    }
    run.job = job;
    // The server has read the file by now: this is the version it checks.
    const version = this._source?.path === path ? this._source.version : null;
    if (run.cancelling) {
      await this._sendCancel(run);
    }
    for (;;) {
      await sleep(this._pollMs);
      if (this._disposed) {
        return null;
      }
      let status: NbRefactorAPI.IVerifyJob;
      try {
        status = await this._client.verifyStatus(job);
      } catch (reason) {
        this._update(path, { run: null, error: messageOf(reason) });
        return null;
      }
      if (status.state === 'running') {
        run.progress = status.progress;
        this._emit();
        continue;
      }
      return this._finish(run, status, version);
    }
  }

  private _finish(
    run: IVerifyRun,
    status: NbRefactorAPI.IVerifyJob,
    version: string | null
  ): IVerifyRecord | null {
    const { path, against } = run;
    if (status.state === 'done' && status.result) {
      const record: IVerifyRecord = {
        path,
        against,
        result: status.result,
        checkedAt: this._now(),
        version
      };
      this._update(path, { run: null, last: record });
      return record;
    }
    if (status.state === 'cancelled') {
      this._update(path, { run: null, cancelled: status.progress });
    } else {
      this._update(path, { run: null, error: status.message || status.state });
    }
    return null;
  }

  private async _sendCancel(run: IVerifyRun): Promise<void> {
    try {
      const status = await this._client.cancelVerify(run.job!);
      run.progress = status.progress;
      this._emit();
    } catch (reason) {
      // The job may have finished meanwhile: polling tells.
      console.warn('jupyter-nbrefactor: cancel failed.', reason);
    }
  }

  private _update(path: string, change: Partial<IVerifyEntry>): void {
    this._entries.set(path, { ...this.entry(path), ...change });
    this._emit();
  }

  private _emit(): void {
    if (!this._disposed) {
      this._changed.emit();
    }
  }

  private _client: NbRefactorClient;
  private _pollMs: number;
  private _timeout: () => number;
  private _now: () => number;
  private _source: IVerifySource | null = null;
  private _entries = new Map<string, IVerifyEntry>();
  private _promises = new Map<string, Promise<IVerifyRecord | null>>();
  private _disposed = false;
  private _changed = new Signal<VerifyModel, void>(this);
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
