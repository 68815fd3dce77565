/**
 * Cell markers: in the prompt area of every warned cell, one word per kind of
 * warning ("stale", "out of order", ...), the reasons as its tooltip, and a
 * CSS class per kind.
 *
 * JupyterLab rewrites the prompt's text whenever the execution count changes,
 * and the windowed notebook builds cells lazily and detaches them when they
 * scroll away; so markers are re-applied after every analysis and whenever a
 * cell enters the viewport, always checked against the DOM.
 */
import { Cell } from '@jupyterlab/cells';
import { Notebook } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { VERDICT_ORDER } from './findings';
import { NbRefactorAPI } from './tokens';
import { ExecutionTracker } from './tracker';

const MARKERS_CLASS = 'jp-nbrefactor-markers';
const MARKER_CLASS = 'jp-nbrefactor-marker';

/** The word a marker (and the panel) shows for a kind of warning. */
export function kindWord(
  kind: NbRefactorAPI.WarningKind,
  trans: TranslationBundle
): string {
  switch (kind) {
    case 'stale':
      return trans.__('stale');
    case 'depends-on-stale':
      return trans.__('stale input');
    case 'out-of-order':
      return trans.__('out of order');
    case 'edited':
      return trans.__('edited');
    case 'hidden-state':
      return trans.__('hidden state');
    case 'use-before-define':
      return trans.__('defined below');
    case 'undefined':
      return trans.__('undefined');
  }
  return kind;
}

/** A warning's reason as a tooltip line; heuristic ones say so. */
export function reasonText(
  warning: NbRefactorAPI.IWarning,
  trans: TranslationBundle
): string {
  return warning.certain
    ? warning.message
    : trans.__('%1 (uncertain)', warning.message);
}

export class CellMarkers {
  constructor(
    private readonly _notebook: Notebook,
    private readonly _tracker: ExecutionTracker,
    private readonly _trans: TranslationBundle
  ) {
    _tracker.changed.connect(this._onTrackerChanged, this);
    _notebook.cellInViewportChanged.connect(this._onCellInViewport, this);
    this.render();
  }

  /** Bring every cell's markers in line with the current warnings. */
  render(): void {
    this._byCell = this._warningsByCell();
    for (const cell of this._notebook.widgets) {
      this._apply(cell);
    }
  }

  dispose(): void {
    this._tracker.changed.disconnect(this._onTrackerChanged, this);
    this._notebook.cellInViewportChanged.disconnect(
      this._onCellInViewport,
      this
    );
    this._byCell = new Map();
    if (!this._notebook.isDisposed) {
      for (const cell of this._notebook.widgets) {
        this._apply(cell);
      }
    }
  }

  private _onTrackerChanged(): void {
    const { result, settings } = this._tracker;
    if (result === this._lastResult && settings === this._lastSettings) {
      return;
    }
    this._lastResult = result;
    this._lastSettings = settings;
    this.render();
  }

  private _onCellInViewport(_: Notebook, cell: Cell): void {
    if (cell.inViewport) {
      this._apply(cell);
    }
  }

  private _warningsByCell(): Map<string, NbRefactorAPI.IWarning[]> {
    const byCell = new Map<string, NbRefactorAPI.IWarning[]>();
    if (!this._tracker.settings.markers) {
      return byCell;
    }
    for (const warning of this._tracker.warnings) {
      const list = byCell.get(warning.cell_id) ?? [];
      list.push(warning);
      byCell.set(warning.cell_id, list);
    }
    return byCell;
  }

  private _apply(cell: Cell): void {
    if (cell.isDisposed) {
      return;
    }
    const prompt = cell.promptNode;
    if (!prompt) {
      return; // not rendered yet: applied when it enters the viewport
    }
    const warnings = this._byCell.get(cell.model.id) ?? [];
    let box = prompt.querySelector<HTMLElement>(`:scope > .${MARKERS_CLASS}`);
    if (warnings.length === 0) {
      box?.remove();
      return;
    }
    const key = JSON.stringify(warnings);
    if (box?.dataset.key === key) {
      return;
    }
    if (!box) {
      box = document.createElement('div');
      box.className = MARKERS_CLASS;
      prompt.appendChild(box);
    }
    box.dataset.key = key;
    box.replaceChildren(
      ...VERDICT_ORDER.filter(kind => warnings.some(w => w.kind === kind)).map(
        kind =>
          this._marker(
            kind,
            warnings.filter(w => w.kind === kind)
          )
      )
    );
  }

  private _marker(
    kind: NbRefactorAPI.WarningKind,
    warnings: NbRefactorAPI.IWarning[]
  ): HTMLElement {
    const marker = document.createElement('span');
    marker.className = `${MARKER_CLASS} ${MARKER_CLASS}-${kind}`;
    if (warnings.every(w => !w.certain)) {
      marker.classList.add(`${MARKER_CLASS}-uncertain`);
    }
    marker.dataset.kind = kind;
    marker.textContent = kindWord(kind, this._trans);
    marker.title = warnings.map(w => reasonText(w, this._trans)).join('\n');
    return marker;
  }

  private _byCell = new Map<string, NbRefactorAPI.IWarning[]>();
  private _lastResult: NbRefactorAPI.IAnalyzeResponse | null = null;
  private _lastSettings: unknown = null;
}
