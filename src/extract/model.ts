/**
 * The extract dialog's model: the inputs (function name, module path), their
 * validation, and the server's plan for them, re-planned (debounced) as they
 * change. The view renders it; the plan always comes from the server.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { NbRefactorClient } from '../api';
import { NbRefactorAPI } from '../tokens';

export type ModuleProblem = 'empty' | 'not-py' | null;
export type NameProblem = 'empty' | 'not-identifier' | 'keyword' | null;

/** Python 3 keywords (`keyword.kwlist`); soft keywords are valid names. */
const PYTHON_KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del ' +
    'elif else except finally for from global if import in is lambda ' +
    'nonlocal not or pass raise return try while with yield'
  ).split(' ')
);

/** What Python's `str.isidentifier()` accepts (XID_Start/XID_Continue, approximated). */
const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

/**
 * Why `name` cannot name a Python function, or null when it can: what the
 * field says while typing, before the server's plan (which decides whether
 * the name is free) comes back.
 */
export function nameProblem(name: string): NameProblem {
  if (name.length === 0) {
    return 'empty';
  }
  if (!IDENTIFIER.test(name)) {
    return 'not-identifier';
  }
  return PYTHON_KEYWORDS.has(name) ? 'keyword' : null;
}

export namespace ExtractModel {
  export interface IOptions {
    client: Pick<NbRefactorClient, 'planExtraction'>;
    mode: NbRefactorAPI.ExtractMode;
    /** The notebook's path relative to the server root. */
    path: string;
    /** 0-based indices of the selected code cells: what moves. */
    cells: number[];
    /** Selected markdown cells: they stay in place. */
    keptCells?: number[];
    /** The live notebook, as sent to the server (read at each plan). */
    notebook: () => NbRefactorAPI.IPlanRequest['notebook'];
    name: string;
    module: string;
    /** How long typing must pause before planning again. */
    debounceMs?: number;
  }
}

export class ExtractModel {
  constructor(options: ExtractModel.IOptions) {
    this._client = options.client;
    this.mode = options.mode;
    this.path = options.path;
    this.cells = [...options.cells].sort((a, b) => a - b);
    this.keptCells = [...(options.keptCells ?? [])].sort((a, b) => a - b);
    this._notebook = options.notebook;
    this._name = options.name;
    this._module = options.module;
    this._debounceMs = options.debounceMs ?? 300;
  }

  readonly mode: NbRefactorAPI.ExtractMode;
  readonly path: string;
  readonly cells: readonly number[];
  readonly keptCells: readonly number[];

  /** Emits whenever an input, the plan or the planning state changes. */
  get changed(): ISignal<ExtractModel, void> {
    return this._changed;
  }

  get name(): string {
    return this._name;
  }

  get module(): string {
    return this._module;
  }

  /** Why the function name is not usable; always null in mode "module". */
  get nameProblem(): NameProblem {
    return this.mode === 'function' ? nameProblem(this._name) : null;
  }

  /** Why the module path is not usable; the server checks the rest. */
  get moduleProblem(): ModuleProblem {
    const module = this._module.trim();
    if (module.length === 0) {
      return 'empty';
    }
    return module.endsWith('.py') ? null : 'not-py';
  }

  /** The plan for the current inputs, once the server answered. */
  get plan(): NbRefactorAPI.IPlan | null {
    return this._plan;
  }

  /** The server rejected the request (e.g. an invalid module path): its message. */
  get error(): string | null {
    return this._error;
  }

  /** A plan is pending (typing, or waiting for the server). */
  get planning(): boolean {
    return this._timer !== null || this._awaiting === this._ticket;
  }

  /** Where the refusal of the current plan points, if anywhere. */
  get refusal(): NbRefactorAPI.IRefusalLocation | null {
    return this._plan?.refused ? this._plan.refused_at : null;
  }

  /** Replace definitions of the same name (in the module, or a notebook cell's). */
  get overwrite(): boolean {
    return this._overwrite;
  }

  /**
   * Whether the overwrite choice matters: it is on, or a plan for this name
   * and module was refused because a definition of that name exists and
   * overwriting would replace it. It stays offered while re-planning, so the
   * checkbox does not vanish when unticked.
   */
  get offersOverwrite(): boolean {
    return this._overwrite || this._offerOverwrite;
  }

  /** The inputs are valid and the server's plan for them can be applied. */
  get canApply(): boolean {
    return (
      !this.planning &&
      this._inputsValid() &&
      this._error === null &&
      this._plan !== null &&
      this._plan.refused === null
    );
  }

  setName(name: string): void {
    if (name !== this._name) {
      this._name = name;
      this._inputChanged();
    }
  }

  setModule(module: string): void {
    if (module !== this._module) {
      this._module = module;
      this._inputChanged();
    }
  }

  /**
   * The function's parameters as the person edits them (names, order,
   * defaults); null until the first plan gives them. Kept while re-planning,
   * so the fields do not vanish while typing.
   */
  get signature(): readonly NbRefactorAPI.IParameter[] | null {
    return this._signature;
  }

  /** Rename the parameter at `index` (what the function calls it). */
  setParameterName(index: number, as: string): void {
    this._editParameter(index, { as });
  }

  /** Give the parameter at `index` a default (Python literal text; empty: none). */
  setParameterDefault(index: number, value: string): void {
    this._editParameter(index, { default: value === '' ? null : value });
  }

  /** Move the parameter at `index` one place up (-1) or down (+1). */
  moveParameter(index: number, by: -1 | 1): void {
    const signature = this._signature;
    const to = index + by;
    if (!signature || to < 0 || to >= signature.length) {
      return;
    }
    const next = [...signature];
    [next[index], next[to]] = [next[to], next[index]];
    this._signature = next;
    this._signatureEdited = true;
    this._inputChanged();
  }

  /** Plans again at once: a checkbox, unlike typing, needs no pause. */
  setOverwrite(overwrite: boolean): void {
    if (overwrite !== this._overwrite) {
      this._overwrite = overwrite;
      this._offerOverwrite = true;
      void this.planNow();
    }
  }

  /** The request for the current inputs, with the live notebook. */
  request(): NbRefactorAPI.IPlanRequest {
    const request: NbRefactorAPI.IPlanRequest = {
      notebook: this._notebook(),
      cells: [...this.cells],
      module: this._module.trim(),
      mode: this.mode,
      path: this.path,
      overwrite: this._overwrite
    };
    if (this.mode === 'function') {
      request.name = this._name;
      if (this._signatureEdited && this._signature) {
        request.parameters = this._signature.map(entry => ({ ...entry }));
      }
    }
    return request;
  }

  /** The request that applies the current plan: the module must not have changed since. */
  applyRequest(): NbRefactorAPI.IApplyRequest | null {
    return this._plan
      ? { ...this.request(), base_hash: this._plan.base_hash }
      : null;
  }

  /** Plan now; answers for earlier inputs are dropped. */
  async planNow(): Promise<void> {
    this._cancelTimer();
    const ticket = ++this._ticket;
    this._plan = null;
    this._error = null;
    if (!this._inputsValid()) {
      this._changed.emit();
      return;
    }
    this._awaiting = ticket;
    this._changed.emit();
    try {
      const plan = await this._client.planExtraction(this.request());
      if (ticket === this._ticket) {
        this._plan = plan;
        this._offerOverwrite ||= plan.overwrite_would_help;
        if (!this._signatureEdited && plan.signature && !plan.refused) {
          this._signature = plan.signature.map(entry => ({ ...entry }));
        }
      }
    } catch (reason) {
      if (ticket === this._ticket) {
        this._error = reason instanceof Error ? reason.message : String(reason);
      }
    } finally {
      if (this._awaiting === ticket) {
        this._awaiting = null;
      }
      if (!this._disposed) {
        this._changed.emit();
      }
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._cancelTimer();
    this._ticket++;
    Signal.clearData(this);
  }

  private _inputsValid(): boolean {
    return this.nameProblem === null && this.moduleProblem === null;
  }

  private _editParameter(
    index: number,
    change: Partial<NbRefactorAPI.IParameter>
  ): void {
    const signature = this._signature;
    if (!signature || index < 0 || index >= signature.length) {
      return;
    }
    this._signature = signature.map((entry, i) =>
      i === index ? { ...entry, ...change } : entry
    );
    this._signatureEdited = true;
    this._inputChanged();
  }

  private _inputChanged(): void {
    this._ticket++;
    this._offerOverwrite = false;
    this._plan = null;
    this._error = null;
    this._cancelTimer();
    if (this._inputsValid()) {
      this._timer = setTimeout(() => {
        this._timer = null;
        void this.planNow();
      }, this._debounceMs);
    }
    this._changed.emit();
  }

  private _cancelTimer(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _client: Pick<NbRefactorClient, 'planExtraction'>;
  private _notebook: () => NbRefactorAPI.IPlanRequest['notebook'];
  private _name: string;
  private _module: string;
  private _overwrite = false;
  private _offerOverwrite = false;
  private _debounceMs: number;
  private _plan: NbRefactorAPI.IPlan | null = null;
  private _signature: NbRefactorAPI.IParameter[] | null = null;
  private _signatureEdited = false;
  private _error: string | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  /** The ticket of the request waiting for its answer. */
  private _awaiting: number | null = null;
  private _ticket = 0;
  private _disposed = false;
  private _changed = new Signal<ExtractModel, void>(this);
}
