/**
 * The sidebar's fresh-kernel check: the Check Reproducibility button, the
 * progress with Cancel, and the last result of the followed notebook
 * (differing cells to click, their diffs, non-deterministic cells apart).
 * Renders the VerifyModel, nothing more.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { checkIcon, stopIcon, UseSignal } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import { ActionButton } from './ActionButton';
import { CommandIDs, NbRefactorAPI } from '../tokens';
import { IVerifyRecord, VerifyModel } from '../verify';
import {
  cellsWith,
  checkedAgo,
  progressText,
  resultSummary
} from '../verifyText';

/** How often "checked 3 min ago" is brought up to date (ms). */
const CLOCK_MS = 30000;
/** How often the seconds of a running check are counted (ms). */
const RUNNING_CLOCK_MS = 1000;

/** The current time, renewed every `interval` ms. */
export function useNow(interval = CLOCK_MS): number {
  const [now, setNow] = React.useState(Date.now());
  React.useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), interval);
    return () => clearInterval(timer);
  }, [interval]);
  return now;
}

/** The check's word for a cell's status. */
function statusWord(
  status: NbRefactorAPI.VerifyStatus,
  trans: TranslationBundle
): string {
  switch (status) {
    case 'same':
      return trans.__('same');
    case 'changed':
      return trans.__('differs');
    case 'non-deterministic':
      return trans.__('non-deterministic');
    case 'error':
      return trans.__('error');
    case 'skipped':
      return trans.__('not run');
  }
}

/** One cell of the result: a click reveals the cell and unfolds its diff. */
function CellEntry(props: {
  model: VerifyModel;
  record: IVerifyRecord;
  cell: NbRefactorAPI.IVerifyCell;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, record, cell, trans } = props;
  return (
    <li
      className="jp-nbrefactor-verify-cell"
      data-index={cell.index}
      data-status={cell.status}
    >
      <details>
        <summary
          className="jp-nbrefactor-verify-cell-head"
          onClick={() => void model.revealCell(record, cell)}
        >
          <span className="jp-nbrefactor-cell-label">
            {trans.__('cell %1', cell.index + 1)}
          </span>
          <span className="jp-nbrefactor-verify-status">
            {statusWord(cell.status, trans)}
          </span>
        </summary>
        {cell.diff !== null && (
          <pre className="jp-nbrefactor-verify-diff">{cell.diff}</pre>
        )}
      </details>
    </li>
  );
}

function Result(props: {
  model: VerifyModel;
  record: IVerifyRecord;
  now: number;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, record, now, trans } = props;
  const { result, against } = record;
  const differing = cellsWith(result, 'changed', 'error');
  const unstable = cellsWith(result, 'non-deterministic');
  const skipped = cellsWith(result, 'skipped').length;
  return (
    <div className="jp-nbrefactor-verify-result" data-verdict={result.verdict}>
      <div className="jp-nbrefactor-verify-summary">
        {resultSummary(result, against, trans)}
      </div>
      <div className="jp-nbrefactor-verify-when">
        {against === null
          ? trans.__(
              '%1, in %2 s',
              checkedAgo(now - record.checkedAt, trans),
              Math.round(result.seconds)
            )
          : trans.__(
              '%1, in %2 s, against %3',
              checkedAgo(now - record.checkedAt, trans),
              Math.round(result.seconds),
              against
            )}
      </div>
      {model.savedSince(record) && (
        <div className="jp-nbrefactor-verify-note">
          {trans.__(
            'The notebook was saved since this check: check again to prove the new version.'
          )}
        </div>
      )}
      {result.verdict === 'failed' && result.message && (
        <div className="jp-nbrefactor-error">{result.message}</div>
      )}
      {differing.length > 0 && (
        <ul className="jp-nbrefactor-verify-cells" data-list="differing">
          {differing.map(cell => (
            <CellEntry
              key={cell.index}
              model={model}
              record={record}
              cell={cell}
              trans={trans}
            />
          ))}
        </ul>
      )}
      {unstable.length > 0 && (
        <div className="jp-nbrefactor-verify-unstable">
          <div className="jp-nbrefactor-verify-unstable-title">
            {trans._n(
              '%1 cell differs between two fresh runs: not counted',
              '%1 cells differ between two fresh runs: not counted',
              unstable.length
            )}
          </div>
          <ul
            className="jp-nbrefactor-verify-cells"
            data-list="non-deterministic"
          >
            {unstable.map(cell => (
              <CellEntry
                key={cell.index}
                model={model}
                record={record}
                cell={cell}
                trans={trans}
              />
            ))}
          </ul>
        </div>
      )}
      {skipped > 0 && (
        <div className="jp-nbrefactor-verify-skipped">
          {trans._n(
            '%1 cell was not run (the run stopped before it).',
            '%1 cells were not run (the run stopped before them).',
            skipped
          )}
        </div>
      )}
    </div>
  );
}

function VerifyBody(props: {
  model: VerifyModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, commands, trans } = props;
  const source = model.source;
  const entry = model.entry();
  const { run, last, error, cancelled } = entry;
  const now = useNow(run ? RUNNING_CLOCK_MS : CLOCK_MS);
  const progress = run
    ? progressText(run.progress, trans, (now - run.startedAt) / 1000)
    : '';
  const id = CommandIDs.checkReproducibility;
  return (
    <section className="jp-nbrefactor-section jp-nbrefactor-verify">
      <h3 className="jp-nbrefactor-section-title">
        {trans.__('Fresh-kernel check')}
      </h3>
      {run ? (
        <div className="jp-nbrefactor-verify-progress">
          <span className="jp-nbrefactor-verify-progress-text">
            {run.cancelling ? trans.__('Cancelling… (%1)', progress) : progress}
          </span>
          <button
            className="jp-nbrefactor-action jp-nbrefactor-verify-cancel"
            disabled={run.cancelling}
            title={trans.__('Stop the fresh-kernel run')}
            onClick={() => void model.cancel()}
          >
            <stopIcon.react tag="span" className="jp-nbrefactor-action-icon" />
            <span>{trans.__('Cancel')}</span>
          </button>
        </div>
      ) : (
        <div className="jp-nbrefactor-actions">
          <ActionButton commands={commands} id={id} icon={checkIcon} />
        </div>
      )}
      {source?.path === null && (
        <div className="jp-nbrefactor-verify-empty">
          {trans.__(
            'Save the notebook on the server to check it: the check runs the saved file.'
          )}
        </div>
      )}
      {source && source.path !== null && source.dirty && !run && (
        <div className="jp-nbrefactor-verify-note">
          {trans.__(
            'The notebook has unsaved changes: the check saves it first.'
          )}
        </div>
      )}
      {error !== null && (
        <div className="jp-nbrefactor-error">
          {trans.__('The check failed: %1', error)}
        </div>
      )}
      {cancelled !== null && !run && (
        <div className="jp-nbrefactor-verify-cancelled">
          {trans.__(
            'Cancelled after %1 of %2 code cells.',
            cancelled.cell,
            cancelled.of
          )}
        </div>
      )}
      {last ? (
        <Result model={model} record={last} now={now} trans={trans} />
      ) : (
        !run &&
        source?.path !== null &&
        error === null && (
          <div className="jp-nbrefactor-verify-empty">
            {trans.__(
              'Runs the saved notebook top to bottom in a fresh kernel (your kernel is left alone) and compares every output with the saved one: the proof that Restart & Run All gives what the notebook shows.'
            )}
          </div>
        )
      )}
    </section>
  );
}

/** The check of the followed notebook, re-rendered when the model changes. */
export function VerifyView(props: {
  model: VerifyModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  return (
    <UseSignal signal={props.model.changed}>
      {() => <VerifyBody {...props} />}
    </UseSignal>
  );
}

/** "Fresh kernel: reproduced, checked 3 min ago" for the live verdict line; null without a result. */
export function checkedLine(
  model: VerifyModel,
  now: number,
  trans: TranslationBundle
): string | null {
  const last = model.entry().last;
  if (!last) {
    return null;
  }
  const ago = checkedAgo(now - last.checkedAt, trans);
  switch (last.result.verdict) {
    case 'same':
      return trans.__('Fresh kernel: reproduced, %1.', ago);
    case 'changed':
      return trans.__('Fresh kernel: outputs differ, %1.', ago);
    default:
      return trans.__('Fresh kernel: the run failed, %1.', ago);
  }
}
