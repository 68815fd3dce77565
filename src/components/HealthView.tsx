/**
 * The sidebar's Health view: renders the HealthModel, nothing more. The
 * figures, the verdict and the findings come from the server's report of the
 * saved notebook; each extraction candidate opens "Extract Function…".
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { ConfigCommandIDs } from '../config/commands';
import { GraduateCommandIDs } from '../graduate/commands';
import { HealthModel } from '../health';
import { refactorIcon } from '../icons';
import { NbRefactorAPI } from '../tokens';
import { ActionButton } from './ActionButton';
import { EmptyState } from './EmptyState';

/** The verdict's summary, translated (the server's reasons stay in English). */
function levelText(
  level: NbRefactorAPI.HealthLevel,
  trans: TranslationBundle
): string {
  switch (level) {
    case 'refactor':
      return trans.__('Time to move code into modules');
    case 'attention':
      return trans.__('Restart and run all, then fix the findings');
    case 'healthy':
      return trans.__('Fine as a notebook');
  }
}

/** 1-based cell positions, as JupyterLab numbers cells: "cell 7" or "cells 11–17". */
function cellsText(cells: readonly number[], trans: TranslationBundle): string {
  return cells.length === 1
    ? trans.__('cell %1', cells[0] + 1)
    : trans.__('cells %1–%2', cells[0] + 1, cells[cells.length - 1] + 1);
}

function Figure(props: {
  figure: string;
  label: string;
  value: string;
  title?: string;
}): JSX.Element {
  return (
    <>
      <dt className="jp-nbrefactor-health-label">{props.label}</dt>
      <dd
        className="jp-nbrefactor-health-figure"
        data-figure={props.figure}
        title={props.title}
      >
        {props.value}
      </dd>
    </>
  );
}

function Figures(props: {
  report: NbRefactorAPI.IHealthReport;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, trans } = props;
  const outOfOrder = report.out_of_order_cells;
  const duplicates = report.duplicated_blocks;
  return (
    <dl className="jp-nbrefactor-health-figures">
      <Figure
        figure="lines-of-code"
        label={trans.__('Lines of code')}
        value={String(report.lines_of_code)}
      />
      <Figure
        figure="code-cells"
        label={trans.__('Code cells')}
        value={trans.__('%1 of %2', report.code_cells, report.cells)}
      />
      <Figure
        figure="module-level-names"
        label={trans.__('Module-level names')}
        value={String(report.module_level_names)}
        title={report.names.join(', ')}
      />
      <Figure
        figure="functions"
        label={trans.__('Functions')}
        value={String(report.functions.length)}
        title={report.functions.join(', ')}
      />
      <Figure
        figure="classes"
        label={trans.__('Classes')}
        value={String(report.classes.length)}
        title={report.classes.join(', ')}
      />
      <Figure
        figure="out-of-order-cells"
        label={trans.__('Out-of-order cells')}
        value={String(outOfOrder.length)}
        title={outOfOrder
          .map(c =>
            trans.__(
              'cell %1 ran as [%2] after cell %3 ran as [%4]',
              c.cell_index + 1,
              c.execution_count,
              c.after_cell_index + 1,
              c.after_execution_count
            )
          )
          .join('\n')}
      />
      <Figure
        figure="duplicated-blocks"
        label={trans.__('Duplicated blocks')}
        value={String(duplicates.length)}
        title={duplicates
          .map(d =>
            trans.__(
              'cell %1: %2 lines like cell %3',
              d.cell_index + 1,
              d.lines,
              d.of_cell_index + 1
            )
          )
          .join('\n')}
      />
    </dl>
  );
}

/** A titled part of the report; `none`, when given, says why it has nothing to list. */
function Section(props: {
  title: string;
  none: string | null;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <section className="jp-nbrefactor-health-section">
      <h3 className="jp-nbrefactor-section-title">{props.title}</h3>
      {props.none === null ? (
        props.children
      ) : (
        <div className="jp-nbrefactor-health-none">{props.none}</div>
      )}
    </section>
  );
}

function FindingsByRule(props: {
  report: NbRefactorAPI.IHealthReport;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, trans } = props;
  const rules = Object.keys(report.findings_by_rule);
  return (
    <Section
      title={trans.__('Findings by rule')}
      none={rules.length === 0 ? trans.__('No findings.') : null}
    >
      <ul className="jp-nbrefactor-health-rules">
        {rules.map(rule => {
          const findings = report.findings.filter(f => f.rule === rule);
          return (
            <li
              key={rule}
              className="jp-nbrefactor-health-rule"
              data-rule={rule}
              data-severity={findings[0]?.severity}
              title={findings.map(f => f.message).join('\n')}
            >
              <code className="jp-nbrefactor-health-rule-id">{rule}</code>{' '}
              <span className="jp-nbrefactor-health-rule-count">
                {report.findings_by_rule[rule]}
              </span>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

function Candidate(props: {
  candidate: NbRefactorAPI.IExtractionCandidate;
  model: HealthModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { candidate, model, trans } = props;
  const cells = model.candidateCells(candidate);
  const canExtract = !!model.source?.canExtract && cells !== null;
  const signature = `${candidate.name}(${candidate.params.join(', ')})`;
  return (
    <li className="jp-nbrefactor-health-candidate">
      <div className="jp-nbrefactor-health-candidate-head">
        <span className="jp-nbrefactor-health-candidate-cells">
          {cellsText(cells ?? candidate.cells, trans)}
        </span>
        <span className="jp-nbrefactor-health-candidate-lines">
          {trans._n('%1 line', '%1 lines', candidate.lines)}
        </span>
      </div>
      <div className="jp-nbrefactor-health-candidate-signature">
        <code>{signature}</code>
        {candidate.returns.length > 0 ? (
          <span>
            {' → '}
            <code>{candidate.returns.join(', ')}</code>
          </span>
        ) : (
          <span className="jp-nbrefactor-health-candidate-returns">
            {trans.__('returns nothing')}
          </span>
        )}
      </div>
      <div className="jp-nbrefactor-health-candidate-module">
        {trans.__('in %1', candidate.module)}
      </div>
      <button
        className="jp-nbrefactor-action jp-nbrefactor-health-extract"
        disabled={!canExtract}
        title={
          cells === null
            ? trans.__(
                'These cells changed since the notebook was saved: save it to update the report'
              )
            : trans.__('Select these cells and open Extract Function…')
        }
        onClick={() => void model.extract(candidate)}
      >
        <refactorIcon.react tag="span" className="jp-nbrefactor-action-icon" />
        <span>{trans.__('Extract function…')}</span>
      </button>
    </li>
  );
}

function Parameters(props: {
  report: NbRefactorAPI.IHealthReport;
  commands: CommandRegistry | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, commands, trans } = props;
  const count = report.hard_coded_parameters ?? 0;
  const id = ConfigCommandIDs.moveParameters;
  return (
    <Section
      title={trans.__('Hard-coded parameters')}
      none={
        count === 0
          ? trans.__(
              'None: no data path, split size, seed or model setting written into the code.'
            )
          : null
      }
    >
      <div className="jp-nbrefactor-health-parameters">
        <span className="jp-nbrefactor-health-parameters-count">
          {trans._n(
            '%1 hard-coded parameter',
            '%1 hard-coded parameters',
            count
          )}
        </span>
        {commands?.hasCommand(id) && (
          <ActionButton
            commands={commands}
            id={id}
            icon={refactorIcon}
            className="jp-nbrefactor-health-parameters-move"
          />
        )}
      </div>
    </Section>
  );
}

/** "Graduate Notebook…": every section at once, from the report. */
function Graduate(props: {
  commands: CommandRegistry | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { commands, trans } = props;
  const id = GraduateCommandIDs.graduate;
  if (!commands?.hasCommand(id)) {
    return null;
  }
  return (
    <Section title={trans.__('Graduate to a project')} none={null}>
      <div className="jp-nbrefactor-health-graduate">
        <span>
          {trans.__(
            'Every section into src/ modules and a scripts/train.py with a command line.'
          )}
        </span>
        <ActionButton
          commands={commands}
          id={id}
          icon={refactorIcon}
          className="jp-nbrefactor-health-graduate-run"
        />
      </div>
    </Section>
  );
}

function Report(props: {
  model: HealthModel;
  report: NbRefactorAPI.IHealthReport;
  commands: CommandRegistry | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, report, commands, trans } = props;
  const { verdict } = report;
  const candidates = report.extraction_candidates;
  return (
    <>
      <div className="jp-nbrefactor-health-verdict" data-level={verdict.level}>
        <div className="jp-nbrefactor-health-verdict-summary">
          {levelText(verdict.level, trans)}
        </div>
        {verdict.reasons.length > 0 && (
          <ul className="jp-nbrefactor-health-reasons">
            {verdict.reasons.map(reason => (
              <li key={reason} className="jp-nbrefactor-health-reason">
                {reason}
              </li>
            ))}
          </ul>
        )}
      </div>
      <Figures report={report} trans={trans} />
      <FindingsByRule report={report} trans={trans} />
      <Parameters report={report} commands={commands} trans={trans} />
      <Section
        title={trans.__('Extraction candidates')}
        none={
          candidates.length === 0
            ? trans.__('No run of cells can move into a function as it is.')
            : null
        }
      >
        <ol className="jp-nbrefactor-health-candidates">
          {candidates.map(candidate => (
            <Candidate
              key={candidate.cells.join(',')}
              candidate={candidate}
              model={model}
              trans={trans}
            />
          ))}
        </ol>
      </Section>
      <Graduate commands={commands} trans={trans} />
    </>
  );
}

function HealthBody(props: {
  model: HealthModel;
  commands: CommandRegistry | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, commands, trans } = props;
  const state = model.emptyState;
  if (state !== null) {
    return <EmptyState state={state} trans={trans} />;
  }
  const { report, error, loading } = model;
  return (
    <>
      <div className="jp-nbrefactor-health-toolbar">
        <span className="jp-nbrefactor-health-status" aria-live="polite">
          {loading && (
            <span className="jp-nbrefactor-health-loading">
              <span className="jp-nbrefactor-health-spinner" />
              {trans.__('Reading the saved notebook…')}
            </span>
          )}
        </span>
        <button
          className="jp-nbrefactor-action jp-nbrefactor-health-refresh"
          disabled={loading}
          title={trans.__('Report on the saved notebook again')}
          onClick={() => void model.refresh()}
        >
          <refreshIcon.react tag="span" className="jp-nbrefactor-action-icon" />
          <span>{trans.__('Refresh')}</span>
        </button>
      </div>
      {model.source?.dirty && (
        <div className="jp-nbrefactor-health-dirty">
          {trans.__(
            'The notebook has unsaved changes: this report is about the saved file.'
          )}
        </div>
      )}
      {error !== null && (
        <div className="jp-nbrefactor-health-error">
          {report
            ? trans.__(
                'The health report failed: %1. Showing the last report.',
                error
              )
            : trans.__('The health report failed: %1.', error)}
        </div>
      )}
      {report && (
        <Report
          model={model}
          report={report}
          commands={commands}
          trans={trans}
        />
      )}
    </>
  );
}

/** The Health view: a report, its loading and error states, or what to do to get one. */
export function HealthView(props: {
  model: HealthModel;
  trans: TranslationBundle;
  /** Runs "Move Parameters to Config…" from the report, when given. */
  commands?: CommandRegistry;
}): JSX.Element {
  const { model, trans } = props;
  const commands = props.commands ?? null;
  return (
    <div className="jp-nbrefactor-health">
      <UseSignal signal={model.changed}>
        {() => <HealthBody model={model} commands={commands} trans={trans} />}
      </UseSignal>
    </div>
  );
}
