/**
 * Local modules under a running kernel (issue 17): watch the module files a
 * notebook's runs used, so an edit marks the cells that ran the old code at
 * once, and Reload Module in the kernel.
 *
 * Saves through JupyterLab (an editor, the extraction, any contents call in
 * this browser) arrive on the contents manager's `fileChanged` signal and are
 * acted on immediately. Writes by anything else (another editor, git, a
 * script) reach no signal: the server has no file-watching API for the
 * browser, so the few files involved are polled through the contents API
 * (`get` without content: one stat each) — see docs/architecture.md.
 */
import { Contents, Kernel } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { CommandRegistry } from '@lumino/commands';
import { IDisposable } from '@lumino/disposable';
import { ISignal } from '@lumino/signaling';

import { IWatchedNotebook } from './model';
import { CommandIDs, NbRefactorAPI } from './tokens';
import { ExecutionTracker } from './tracker';

/** How often external writes are looked for (the issue asks for 2 s at most). */
export const DEFAULT_POLL_MS = 1000;

/** `src/features.py` next to `work/analysis.ipynb` -> `work/src/features.py` (`..` resolved). */
export function serverPath(notebookPath: string, relative: string): string {
  const parts = notebookPath.split('/').slice(0, -1);
  for (const part of relative.split('/')) {
    if (part === '..') {
      parts.pop();
    } else if (part !== '.' && part !== '') {
      parts.push(part);
    }
  }
  return parts.join('/');
}

/** The paths of a `fileChanged` change: the file before and after (a rename has both). */
export function changedPaths(change: Contents.IChangedArgs): string[] {
  return [change.oldValue?.path, change.newValue?.path].filter(
    (p): p is string => typeof p === 'string' && p.length > 0
  );
}

export namespace ModuleWatcher {
  export interface IOptions {
    contents: Contents.IManager;
    tracker: ExecutionTracker;
    /** The notebook's server path now (it follows renames). */
    notebookPath: () => string;
    pollMs?: number;
  }
}

/**
 * Watches the local modules of one notebook's analysis (`tracker.modules`):
 * tells the tracker when one of them changes on disk.
 */
export class ModuleWatcher implements IDisposable {
  constructor(options: ModuleWatcher.IOptions) {
    this._contents = options.contents;
    this._tracker = options.tracker;
    this._notebookPath = options.notebookPath;
    this._pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this._contents.fileChanged.connect(this._onFileChanged, this);
    this._tracker.changed.connect(this._update, this);
    this._update();
  }

  /** The server paths watched now. */
  get watched(): string[] {
    return [...this._stamps.keys()];
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._contents.fileChanged.disconnect(this._onFileChanged, this);
    this._tracker.changed.disconnect(this._update, this);
    this._stopPolling();
  }

  /** Look for external writes now (what the timer does); resolves when done. */
  async poll(): Promise<void> {
    if (this._polling || this._disposed) {
      return;
    }
    this._polling = true;
    try {
      let changed = false;
      for (const [path, stamp] of [...this._stamps]) {
        const now = await this._modified(path);
        if (!this._stamps.has(path)) {
          continue;
        }
        if (stamp !== undefined && now !== stamp) {
          changed = true;
        }
        this._stamps.set(path, now);
      }
      if (changed && !this._disposed) {
        this._tracker.modulesChanged();
      }
    } finally {
      this._polling = false;
    }
  }

  private _update(): void {
    const notebook = this._notebookPath();
    const wanted = new Set(
      Object.keys(this._tracker.modules).map(p => serverPath(notebook, p))
    );
    for (const path of [...this._stamps.keys()]) {
      if (!wanted.has(path)) {
        this._stamps.delete(path);
      }
    }
    for (const path of wanted) {
      if (!this._stamps.has(path)) {
        this._stamps.set(path, undefined); // its time is learnt by the next poll
      }
    }
    if (this._stamps.size > 0) {
      this._startPolling();
    } else {
      this._stopPolling();
    }
  }

  private _onFileChanged(
    _: Contents.IManager,
    change: Contents.IChangedArgs
  ): void {
    if (change.type === 'new') {
      return;
    }
    const hit = changedPaths(change).filter(p => this._stamps.has(p));
    if (hit.length === 0) {
      return;
    }
    for (const path of hit) {
      const model = change.newValue;
      this._stamps.set(
        path,
        model?.path === path ? (model.last_modified ?? null) : null
      );
    }
    this._tracker.modulesChanged();
  }

  /** A file's `last_modified`, or null when it is gone or unreadable. */
  private async _modified(path: string): Promise<string | null> {
    try {
      const model = await this._contents.get(path, { content: false });
      return model.last_modified ?? null;
    } catch {
      return null;
    }
  }

  private _startPolling(): void {
    if (this._timer === null && !this._disposed) {
      this._timer = setInterval(() => void this.poll(), this._pollMs);
      void this.poll();
    }
  }

  private _stopPolling(): void {
    if (this._timer !== null) {
      clearInterval(this._timer);
      this._timer = null;
    }
  }

  private _contents: Contents.IManager;
  private _tracker: ExecutionTracker;
  private _notebookPath: () => string;
  private _pollMs: number;
  /** server path -> last_modified as last seen (undefined: not yet, null: gone). */
  private _stamps = new Map<string, string | null | undefined>();
  private _timer: ReturnType<typeof setInterval> | null = null;
  private _polling = false;
  private _disposed = false;
}

/** The module warnings whose Reload Module is offered: the kernel holds old code. */
export function reloadableModules(
  warnings: readonly NbRefactorAPI.IWarning[]
): Map<string, NbRefactorAPI.IWarning> {
  const out = new Map<string, NbRefactorAPI.IWarning>();
  for (const w of warnings) {
    if (w.module && w.reload_code && !out.has(w.module)) {
      out.set(w.module, w);
    }
  }
  return out;
}

/**
 * Run a module warning's reload code in the kernel, silently (no history, no
 * execution count), and record the reload; false when the kernel refused.
 */
export async function reloadModule(
  kernel: Kernel.IKernelConnection | null,
  tracker: ExecutionTracker,
  warning: NbRefactorAPI.IWarning
): Promise<boolean> {
  if (!kernel || !warning.reload_code) {
    return false;
  }
  try {
    const reply = await kernel.requestExecute({
      code: warning.reload_code,
      silent: true,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false
    }).done;
    if (reply.content.status !== 'ok') {
      return false;
    }
  } catch {
    return false;
  }
  tracker.recordReload(warning.reload_paths ?? [warning.module!]);
  return true;
}

export namespace ModuleCommands {
  export interface IOptions {
    /** The notebook the panel follows, or null. */
    current: () => IWatchedNotebook | null;
    /** Its kernel, or null. */
    kernel: () => Kernel.IKernelConnection | null;
    changed: ISignal<unknown, void>;
    trans: TranslationBundle;
    /** Tell the user a reload failed. */
    notifyError: (message: string) => void;
  }
}

/** Reload Module: for `module` (args), else the first module warning's module. */
export function addModuleCommands(
  commands: CommandRegistry,
  options: ModuleCommands.IOptions
): string[] {
  const { trans } = options;
  const target = (
    args: ReadonlyPartialJSONObject
  ): NbRefactorAPI.IWarning | null => {
    const tracker = options.current()?.tracker;
    if (!tracker) {
      return null;
    }
    const reloadable = reloadableModules(tracker.warnings);
    const module = typeof args.module === 'string' ? args.module : null;
    return module
      ? (reloadable.get(module) ?? null)
      : ([...reloadable.values()][0] ?? null);
  };
  commands.addCommand(CommandIDs.reloadModule, {
    label: args => {
      const module =
        typeof args.module === 'string' ? args.module : target(args)?.module;
      return module
        ? trans.__('Reload Module %1', module)
        : trans.__('Reload Module');
    },
    caption: trans.__(
      'Reload the changed module in the kernel and rebind the names imported from it; the cells that ran the old code stay marked until they run again'
    ),
    icon: refreshIcon,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          module: {
            type: 'string',
            description: trans.__(
              "The module's path relative to the notebook (default: the first changed module)"
            )
          }
        }
      }
    },
    isEnabled: args => target(args) !== null && options.kernel() !== null,
    execute: async args => {
      const warning = target(args);
      const tracker = options.current()?.tracker;
      if (!warning || !tracker) {
        return false;
      }
      const ok = await reloadModule(options.kernel(), tracker, warning);
      if (!ok) {
        options.notifyError(
          trans.__(
            'The kernel could not reload %1: restart it to use the new code.',
            warning.module ?? ''
          )
        );
      }
      return ok;
    }
  });
  options.changed.connect(() =>
    commands.notifyCommandChanged(CommandIDs.reloadModule)
  );
  return [CommandIDs.reloadModule];
}
