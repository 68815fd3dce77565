/**
 * The state of one "Move Parameters to Config…" dialog: the server's plan for
 * the parameters chosen so far, the keys as the user edited them, and whether
 * the plan can be applied. Every change plans again on the server (the engine
 * decides keys, clashes and refusals; nothing is decided here).
 */
import { ISignal, Signal } from '@lumino/signaling';

import { NbRefactorAPI } from '../tokens';

/** The two endpoints the model needs (the client, or a mock in tests). */
export interface IConfigClient {
  planConfig(
    request: NbRefactorAPI.IConfigRequest
  ): Promise<NbRefactorAPI.IConfigPlan>;
}

export class ConfigModel {
  constructor(
    private readonly _client: IConfigClient,
    readonly request: Omit<NbRefactorAPI.IConfigRequest, 'select' | 'keys'>
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The last plan answered (null before the first). */
  get plan(): NbRefactorAPI.IConfigPlan | null {
    return this._plan;
  }

  /** Every candidate of the first plan, in notebook order. */
  get candidates(): NbRefactorAPI.IConfigCandidate[] {
    return this._candidates;
  }

  get planning(): boolean {
    return this._planning;
  }

  get error(): string | null {
    return this._error;
  }

  isSelected(id: string): boolean {
    return this._selected.has(id);
  }

  /** The key a candidate goes under: the user's edit, else the proposal. */
  keyOf(id: string): string {
    return (
      this._keys.get(id) ?? this._candidates.find(c => c.id === id)?.key ?? id
    );
  }

  /** Whether Apply would do what the previews show. */
  get canApply(): boolean {
    return (
      !this._planning &&
      this._error === null &&
      this._plan !== null &&
      this._plan.refused === null &&
      this._selected.size > 0
    );
  }

  /** The request that gives the current plan (and, with base_hash, applies it). */
  currentRequest(): NbRefactorAPI.IConfigRequest {
    const keys: { [id: string]: string } = {};
    for (const [id, key] of this._keys) {
      if (this._selected.has(id) && key !== id) {
        keys[id] = key;
      }
    }
    return {
      ...this.request,
      select: this._candidates
        .filter(c => this._selected.has(c.id))
        .map(c => c.id),
      keys
    };
  }

  /** The first plan: every candidate proposed, all selected. */
  async start(): Promise<void> {
    await this._replan(() => this._client.planConfig({ ...this.request }));
    if (this._plan) {
      this._candidates = this._plan.candidates;
      this._selected = new Set(
        this._candidates.filter(c => c.selected).map(c => c.id)
      );
      this._changed.emit();
    }
  }

  toggle(id: string, selected: boolean): Promise<void> {
    if (selected) {
      this._selected.add(id);
    } else {
      this._selected.delete(id);
    }
    return this.update();
  }

  setKey(id: string, key: string): Promise<void> {
    this._keys.set(id, key.trim());
    return this.update();
  }

  /** Plan again with the current choices (the last answer wins). */
  update(): Promise<void> {
    if (this._selected.size === 0) {
      this._plan = this._plan && { ...this._plan, cells: [], load_cell: null };
      this._changed.emit();
      return Promise.resolve();
    }
    const request = this.currentRequest();
    return this._replan(() => this._client.planConfig(request));
  }

  private async _replan(
    call: () => Promise<NbRefactorAPI.IConfigPlan>
  ): Promise<void> {
    const ticket = ++this._ticket;
    this._planning = true;
    this._changed.emit();
    try {
      const plan = await call();
      if (ticket === this._ticket) {
        this._plan = plan;
        this._error = null;
      }
    } catch (error) {
      if (ticket === this._ticket) {
        this._error = (error as Error).message;
      }
    } finally {
      if (ticket === this._ticket) {
        this._planning = false;
        this._changed.emit();
      }
    }
  }

  private _plan: NbRefactorAPI.IConfigPlan | null = null;
  private _candidates: NbRefactorAPI.IConfigCandidate[] = [];
  private _selected = new Set<string>();
  private _keys = new Map<string, string>();
  private _planning = false;
  private _error: string | null = null;
  private _ticket = 0;
  private _changed = new Signal<this, void>(this);
}
