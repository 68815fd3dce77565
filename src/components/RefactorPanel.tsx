/**
 * The "Notebook refactor" sidebar: renders the PanelModel, nothing more.
 * Buttons run the plugin's commands; clicking a warning or a run reveals its cell.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  fastForwardIcon,
  ReactWidget,
  runIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { Message } from '@lumino/messaging';
import * as React from 'react';

import { kindWord, reasonText } from '../decorations';
import {
  groupWarnings,
  ICauseGroup,
  ICellWarnings,
  ICellNotes,
  ITimelineEntry,
  IVerdict,
  notesByCell,
  timelineOf,
  verdictOf
} from '../findings';
import { HealthModel } from '../health';
import { refactorIcon } from '../icons';
import { IWatchedNotebook, PanelModel } from '../model';
import { CommandIDs, NbRefactorAPI } from '../tokens';
import { VerifyModel } from '../verify';
import { DependencyView } from '../graph/DependencyView';
import { GraphModel } from '../graph/model';
import { VariablesView } from '../graph/VariablesView';
import { ActionButton } from './ActionButton';
import { EmptyState } from './EmptyState';
import { HealthView } from './HealthView';
import { checkedLine, useNow, VerifyView } from './VerifyView';

/** The sidebar's views. */
export type PanelTab = 'warnings' | 'health' | 'dependencies' | 'variables';

/** The timeline shows at most this many runs (the latest). */
const TIMELINE_LIMIT = 200;

/** Why a rerun would differ, one phrase per kind of warning. */
function reasonPhrase(
  kind: NbRefactorAPI.WarningKind,
  cells: number,
  trans: TranslationBundle
): string {
  switch (kind) {
    case 'hidden-state':
      return trans._n(
        '%1 cell uses values from code no longer in the notebook',
        '%1 cells use values from code no longer in the notebook',
        cells
      );
    case 'out-of-order':
      return trans._n(
        '%1 cell read values from cells below it',
        '%1 cells read values from cells below them',
        cells
      );
    case 'edited':
      return trans._n(
        '%1 cell was edited after it ran',
        '%1 cells were edited after they ran',
        cells
      );
    case 'stale':
      return trans._n(
        '%1 cell ran before its inputs changed',
        '%1 cells ran before their inputs changed',
        cells
      );
    case 'depends-on-stale':
      return trans._n(
        '%1 cell used results of stale cells',
        '%1 cells used results of stale cells',
        cells
      );
    case 'use-before-define':
      return trans._n(
        '%1 cell uses names defined only below it',
        '%1 cells use names defined only below them',
        cells
      );
    case 'undefined':
      return trans._n(
        '%1 cell uses names no cell defines',
        '%1 cells use names no cell defines',
        cells
      );
  }
  return kind;
}

/** The one-line verdict: would Restart & Run All reproduce the kernel's state? */
export function verdictText(
  verdict: IVerdict,
  trans: TranslationBundle
): string {
  if (verdict.reproducible) {
    return trans.__('Restart & Run All would reproduce this state.');
  }
  if (verdict.reasons.length === 0) {
    return trans.__(
      'Restart & Run All would not reproduce this state (the warnings that say why are hidden in the settings).'
    );
  }
  const reasons = verdict.reasons
    .map(r => reasonPhrase(r.kind, r.cells, trans))
    .join('; ');
  return verdict.certain
    ? trans.__('Restart & Run All would not reproduce this state: %1.', reasons)
    : trans.__(
        'Restart & Run All might not reproduce this state: %1.',
        reasons
      );
}

/** "cell 5" (its position, 1-based) or "deleted cell". */
function cellLabel(position: number | null, trans: TranslationBundle): string {
  return position === null
    ? trans.__('deleted cell')
    : trans.__('cell %1', position + 1);
}

function countLabel(count: number | null): string {
  return count === null ? '[ ]' : `[${count}]`;
}

/** Notes of a cell (forward flow the server tells quietly), one per line. */
function notesOf(
  notebook: IWatchedNotebook,
  cellId: string
): readonly string[] {
  return notebook.tracker.result?.cells[cellId]?.notes ?? [];
}

/** The actions on a warned cell: run from it down; re-run from the cell an out-of-order warning names; reload a changed module. */
function CellActions(props: {
  group: ICellWarnings;
  commands: CommandRegistry;
}): JSX.Element {
  const { group, commands } = props;
  const fixes = [
    ...new Set(
      group.warnings
        .filter(w => w.kind === 'out-of-order' && !!w.fix_cell_id)
        .map(w => w.fix_cell_id!)
    )
  ];
  const buttons: Array<[string, ReadonlyPartialJSONObject]> = [
    ...fixes.map((from): [string, ReadonlyPartialJSONObject] => [
      CommandIDs.rerunFrom,
      { fromCellId: from, toCellId: group.cellId }
    ]),
    ...[
      ...new Set(
        group.warnings
          .filter(w => w.module && w.reload_code)
          .map(w => w.module!)
      )
    ].map((module): [string, ReadonlyPartialJSONObject] => [
      CommandIDs.reloadModule,
      { module }
    ]),
    [CommandIDs.runFromHere, { cellId: group.cellId }]
  ];
  return (
    <span className="jp-nbrefactor-cell-actions">
      {buttons.map(([id, args]) => (
        <button
          key={`${id}:${JSON.stringify(args)}`}
          className="jp-nbrefactor-cell-action"
          data-command={id}
          disabled={!commands.isEnabled(id, args)}
          title={commands.caption(id, args)}
          onClick={event => {
            event.stopPropagation();
            void commands.execute(id, args);
          }}
        >
          {commands.label(id, args)}
        </button>
      ))}
    </span>
  );
}

function WarningItem(props: {
  warning: NbRefactorAPI.IWarning;
  onClick: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { warning, onClick, trans } = props;
  return (
    <li
      className="jp-nbrefactor-warning"
      data-kind={warning.kind}
      data-certain={String(warning.certain)}
      title={reasonText(warning, trans)}
      onClick={onClick}
    >
      <span
        className={`jp-nbrefactor-kind jp-nbrefactor-marker-${warning.kind}`}
      >
        {kindWord(warning.kind, trans)}
      </span>
      <span className="jp-nbrefactor-message">{warning.message}</span>
      {warning.names.length > 0 && (
        <span className="jp-nbrefactor-names">
          {warning.names.map(name => (
            <code key={name} className="jp-nbrefactor-name">
              {name}
            </code>
          ))}
        </span>
      )}
      {!warning.certain && (
        <span className="jp-nbrefactor-uncertain">{trans.__('uncertain')}</span>
      )}
    </li>
  );
}

function CellRef(props: {
  group: ICellWarnings;
  onClick: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { group, onClick, trans } = props;
  return (
    <button className="jp-nbrefactor-cell-ref" onClick={onClick}>
      <span className="jp-nbrefactor-cell-label">
        {cellLabel(group.position, trans)}
      </span>
      <span className="jp-nbrefactor-count">
        {countLabel(group.executionCount)}
      </span>
      <code className="jp-nbrefactor-first-line">{group.firstLine}</code>
    </button>
  );
}

function WarningGroup(props: {
  group: ICellWarnings;
  notebook: IWatchedNotebook;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { group, notebook, commands, trans } = props;
  const reveal = () => void notebook.revealCell(group.cellId);
  const notes = notesOf(notebook, group.cellId);
  return (
    <li className="jp-nbrefactor-warning-group" data-cell-id={group.cellId}>
      <div className="jp-nbrefactor-group-head">
        <CellRef group={group} onClick={reveal} trans={trans} />
        {group.position !== null && (
          <CellActions group={group} commands={commands} />
        )}
      </div>
      <ul className="jp-nbrefactor-warnings">
        {group.warnings.map((warning, i) => (
          <WarningItem
            key={i}
            warning={warning}
            onClick={reveal}
            trans={trans}
          />
        ))}
      </ul>
      {notes.map((note, i) => (
        <div key={i} className="jp-nbrefactor-note">
          {note}
        </div>
      ))}
    </li>
  );
}

/** One change and the cells it made stale, collapsed to one line until opened. */
function CauseGroup(props: {
  cause: ICauseGroup;
  notebook: IWatchedNotebook;
  trans: TranslationBundle;
}): JSX.Element {
  const { cause, notebook, trans } = props;
  const names = cause.names.join(', ');
  const head =
    cause.position === null
      ? trans._n(
          'a deleted cell changed %2: %1 cell read it',
          'a deleted cell changed %2: %1 cells read it',
          cause.cells.length,
          names
        )
      : trans._n(
          'cell %2 changed %3: %1 cell read it',
          'cell %2 changed %3: %1 cells read it',
          cause.cells.length,
          cause.position + 1,
          names
        );
  return (
    <li className="jp-nbrefactor-cause-group" data-cause-id={cause.causeId}>
      <details>
        <summary className="jp-nbrefactor-cause">{head}</summary>
        <ul className="jp-nbrefactor-cause-cells">
          {cause.cells.map(group => {
            const reveal = () => void notebook.revealCell(group.cellId);
            return (
              <li
                key={group.cellId}
                className="jp-nbrefactor-cause-cell"
                data-cell-id={group.cellId}
              >
                <CellRef group={group} onClick={reveal} trans={trans} />
                <ul className="jp-nbrefactor-warnings">
                  {group.warnings.map((warning, i) => (
                    <WarningItem
                      key={i}
                      warning={warning}
                      onClick={reveal}
                      trans={trans}
                    />
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      </details>
    </li>
  );
}

/** Forward flow the server noticed: quiet, folded away, never a warning. */
function Notes(props: {
  notes: ICellNotes[];
  notebook: IWatchedNotebook;
  trans: TranslationBundle;
}): JSX.Element {
  const { notes, notebook, trans } = props;
  return (
    <details className="jp-nbrefactor-notes">
      <summary className="jp-nbrefactor-notes-title">
        {trans._n(
          'Notes on %1 cell (changed later by cells below it)',
          'Notes on %1 cells (changed later by cells below them)',
          notes.length
        )}
      </summary>
      <ul className="jp-nbrefactor-notes-list">
        {notes.map(entry => (
          <li
            key={entry.cellId}
            className="jp-nbrefactor-notes-cell"
            data-cell-id={entry.cellId}
            onClick={() => void notebook.revealCell(entry.cellId)}
          >
            <span className="jp-nbrefactor-cell-label">
              {cellLabel(entry.position, trans)}
            </span>
            {entry.notes.map((note, i) => (
              <div key={i} className="jp-nbrefactor-note">
                {note}
              </div>
            ))}
          </li>
        ))}
      </ul>
    </details>
  );
}

function Timeline(props: {
  entries: ITimelineEntry[];
  notebook: IWatchedNotebook;
  trans: TranslationBundle;
}): JSX.Element {
  const { entries, notebook, trans } = props;
  const hidden = Math.max(0, entries.length - TIMELINE_LIMIT);
  return (
    <section className="jp-nbrefactor-section">
      <h3 className="jp-nbrefactor-section-title">
        {trans.__('Execution order')}
      </h3>
      <div className="jp-nbrefactor-summary">
        {trans._n(
          '%1 cell run in this kernel session.',
          '%1 cells run in this kernel session.',
          entries.length
        )}
      </div>
      {hidden > 0 && (
        <div className="jp-nbrefactor-timeline-more">
          {trans._n(
            '%1 earlier run not shown',
            '%1 earlier runs not shown',
            hidden
          )}
        </div>
      )}
      <ol className="jp-nbrefactor-timeline">
        {entries.slice(hidden).map((entry, i) => (
          <li
            key={hidden + i}
            className="jp-nbrefactor-run"
            data-cell-id={entry.cellId}
            data-deleted={String(entry.deleted)}
            title={notesOf(notebook, entry.cellId).join('\n') || undefined}
            onClick={
              entry.deleted
                ? undefined
                : () => void notebook.revealCell(entry.cellId)
            }
          >
            <span className="jp-nbrefactor-count">
              {countLabel(entry.executionCount)}
            </span>
            <span className="jp-nbrefactor-cell-label">
              {cellLabel(entry.position, trans)}
            </span>
            {entry.edited && (
              <span className="jp-nbrefactor-tag" data-tag="edited">
                {trans.__('edited since')}
              </span>
            )}
            {entry.error !== null && (
              <span
                className="jp-nbrefactor-tag"
                data-tag="error"
                title={entry.error}
              >
                {trans.__('error')}
              </span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The last fresh-kernel check, for the live verdict line. */
function CheckedLine(props: {
  verify: VerifyModel;
  trans: TranslationBundle;
}): JSX.Element {
  const now = useNow();
  return (
    <UseSignal signal={props.verify.changed}>
      {() => {
        const line = checkedLine(props.verify, now, props.trans);
        return line === null ? null : (
          <span className="jp-nbrefactor-verdict-checked">{line}</span>
        );
      }}
    </UseSignal>
  );
}

function Analysis(props: {
  notebook: IWatchedNotebook;
  commands: CommandRegistry;
  trans: TranslationBundle;
  verify: VerifyModel | null;
}): JSX.Element {
  const { notebook, commands, trans, verify } = props;
  const tracker = notebook.tracker;
  const cells = tracker.cells();
  const warnings = tracker.warnings;
  const analysed = tracker.result !== null && tracker.notice === null;
  const list = groupWarnings(warnings, cells, tracker.runs);
  const notes = notesByCell(tracker.result, cells);
  const verdict = verdictOf(warnings, tracker.result?.reproducible ?? true);
  return (
    <>
      {analysed && (
        <div
          className="jp-nbrefactor-verdict"
          data-reproducible={String(verdict.reproducible)}
        >
          {verdictText(verdict, trans)}
          {verify && <CheckedLine verify={verify} trans={trans} />}
        </div>
      )}
      <div className="jp-nbrefactor-actions">
        <ActionButton
          commands={commands}
          id={CommandIDs.runStaleCells}
          icon={runIcon}
        />
        <ActionButton
          commands={commands}
          id={CommandIDs.nextWarning}
          icon={caretDownIcon}
        />
        <ActionButton
          commands={commands}
          id={CommandIDs.restartRunAll}
          icon={fastForwardIcon}
        />
      </div>
      {tracker.notice !== null && (
        <div className="jp-nbrefactor-notice">
          {trans.__(
            'Analysis is available for Python kernels; this notebook runs %1.',
            tracker.language ?? notebook.kernelName ?? ''
          )}
        </div>
      )}
      {tracker.error !== null && (
        <div className="jp-nbrefactor-error">
          {tracker.result
            ? trans.__(
                'Analysis failed: %1. Showing the last result.',
                tracker.error
              )
            : trans.__('Analysis failed: %1.', tracker.error)}
        </div>
      )}
      {tracker.result === null && tracker.error === null && (
        <div className="jp-nbrefactor-analyzing">{trans.__('Analysing…')}</div>
      )}
      {analysed && (
        <section className="jp-nbrefactor-section">
          <h3 className="jp-nbrefactor-section-title">
            {trans.__('Warnings')}
          </h3>
          {warnings.length === 0 ? (
            <div className="jp-nbrefactor-all-clear">
              {trans.__(
                'All clear: no stale, out-of-order or hidden state in this kernel session.'
              )}
            </div>
          ) : (
            <ul className="jp-nbrefactor-warning-groups">
              {list.causes.map(cause => (
                <CauseGroup
                  key={`cause:${cause.causeId}`}
                  cause={cause}
                  notebook={notebook}
                  trans={trans}
                />
              ))}
              {list.cells.map(group => (
                <WarningGroup
                  key={group.cellId}
                  group={group}
                  notebook={notebook}
                  commands={commands}
                  trans={trans}
                />
              ))}
            </ul>
          )}
          {notes.length > 0 && (
            <Notes notes={notes} notebook={notebook} trans={trans} />
          )}
        </section>
      )}
      <Timeline
        entries={timelineOf(tracker.runs, cells)}
        notebook={notebook}
        trans={trans}
      />
    </>
  );
}

function Tabs(props: {
  tab: PanelTab;
  onTab: (tab: PanelTab) => void;
  trans: TranslationBundle;
  graph: boolean;
}): JSX.Element {
  const { tab, onTab, trans } = props;
  const tabs: [PanelTab, string][] = [
    ['warnings', trans.__('Warnings')],
    ['health', trans.__('Health')],
    ...(props.graph
      ? ([
          ['dependencies', trans.__('Dependencies')],
          ['variables', trans.__('Variables')]
        ] as [PanelTab, string][])
      : [])
  ];
  return (
    <div className="jp-nbrefactor-tabs" role="tablist">
      {tabs.map(([id, label]) => (
        <button
          key={id}
          role="tab"
          className="jp-nbrefactor-tab"
          data-tab={id}
          aria-selected={tab === id}
          onClick={() => onTab(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

function PanelBody(props: {
  model: PanelModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
  health: HealthModel | null;
  verify: VerifyModel | null;
  tab: PanelTab;
  onTab: (tab: PanelTab) => void;
  graph: GraphModel | null;
}): JSX.Element {
  const { model, commands, trans, health, verify, tab, graph } = props;
  const notebook = model.notebook;
  const state = model.emptyState;
  return (
    <div className="jp-nbrefactor-panel-body">
      <header className="jp-nbrefactor-header">
        <refactorIcon.react tag="span" className="jp-nbrefactor-header-icon" />
        <h2 className="jp-nbrefactor-title">{trans.__('Notebook refactor')}</h2>
      </header>
      {notebook && (
        <div className="jp-nbrefactor-notebook-name" title={notebook.title}>
          {notebook.title}
        </div>
      )}
      {health && (
        <Tabs
          tab={tab}
          onTab={props.onTab}
          trans={trans}
          graph={graph !== null}
        />
      )}
      {graph && tab === 'dependencies' ? (
        <UseSignal signal={graph.changed}>
          {() => (
            <DependencyView model={graph} commands={commands} trans={trans} />
          )}
        </UseSignal>
      ) : graph && tab === 'variables' ? (
        <UseSignal signal={graph.changed}>
          {() => <VariablesView model={graph} trans={trans} />}
        </UseSignal>
      ) : health && tab === 'health' ? (
        <HealthView model={health} trans={trans} commands={commands} />
      ) : (
        <>
          {verify && notebook && (
            <VerifyView model={verify} commands={commands} trans={trans} />
          )}
          {state !== null || !notebook ? (
            <EmptyState state={state ?? 'no-notebook'} trans={trans} />
          ) : (
            <Analysis
              notebook={notebook}
              commands={commands}
              trans={trans}
              verify={verify}
            />
          )}
        </>
      )}
    </div>
  );
}

export class RefactorPanel extends ReactWidget {
  constructor(
    readonly model: PanelModel,
    private readonly _trans: TranslationBundle,
    private readonly _commands: CommandRegistry,
    private readonly _health: HealthModel | null = null,
    private readonly _verify: VerifyModel | null = null,
    private readonly _graph: GraphModel | null = null
  ) {
    super();
    this.addClass('jp-nbrefactor-panel');
  }

  /** The view shown: the warnings, or (with a HealthModel) the health report. */
  get tab(): PanelTab {
    return this._tab;
  }

  showTab(tab: PanelTab): void {
    this._tab = tab;
    this._updateHealth();
    this.update();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._updateHealth();
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._updateHealth();
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <PanelBody
            model={this.model}
            commands={this._commands}
            trans={this._trans}
            health={this._health}
            verify={this._verify}
            tab={this._tab}
            onTab={tab => this.showTab(tab)}
            graph={this._graph}
          />
        )}
      </UseSignal>
    );
  }

  /** The report is fetched only while someone can see it. */
  private _updateHealth(): void {
    this._health?.setActive(this.isVisible && this._tab === 'health');
    const tab = this._tab;
    this._graph?.setView(
      this.isVisible && (tab === 'dependencies' || tab === 'variables')
        ? tab
        : null
    );
  }

  private _tab: PanelTab = 'warnings';
}
