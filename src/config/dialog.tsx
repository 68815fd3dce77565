/**
 * The "Move Parameters to Config…" dialog body: a checklist of the notebook's
 * hard-coded parameters (key editable, value, where), what cannot move and
 * why, and previews of config.yaml and of the changed cells; the dialog whose
 * Move works only while the plan can be applied.
 */
import { Dialog, ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { PlanDialog } from '../components/PlanDialog';
import { NbRefactorAPI } from '../tokens';
import { ConfigModel } from './model';

function valueText(candidate: NbRefactorAPI.IConfigCandidate): string {
  return candidate.value_text;
}

function Where(props: {
  candidate: NbRefactorAPI.IConfigCandidate;
  trans: TranslationBundle;
}): JSX.Element {
  const { candidate, trans } = props;
  const first = candidate.places[0];
  const more = candidate.places.length - 1;
  const reads =
    candidate.kind === 'name'
      ? trans._n('read by %1 cell', 'read by %1 cells', candidate.reads)
      : more > 0
        ? trans._n('and %1 more place', 'and %1 more places', more)
        : '';
  return (
    <span className="jp-nbrefactor-config-where" title={first.text}>
      {trans.__('cell %1, line %2', first.cell_index + 1, first.line)}
      {reads ? ` · ${reads}` : ''}
    </span>
  );
}

function CandidateRow(props: {
  model: ConfigModel;
  candidate: NbRefactorAPI.IConfigCandidate;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, candidate, trans } = props;
  const selected = model.isSelected(candidate.id);
  const [key, setKey] = React.useState(model.keyOf(candidate.id));
  const commit = () => {
    if (key !== model.keyOf(candidate.id)) {
      void model.setKey(candidate.id, key);
    }
  };
  return (
    <li
      className="jp-nbrefactor-config-candidate"
      data-key={candidate.id}
      data-selected={selected}
    >
      <label className="jp-nbrefactor-config-check">
        <input
          type="checkbox"
          checked={selected}
          aria-label={trans.__('Move %1', candidate.what)}
          onChange={event =>
            void model.toggle(candidate.id, event.target.checked)
          }
        />
        <code className="jp-nbrefactor-config-what">{candidate.what}</code>
      </label>
      <input
        className="jp-mod-styled jp-nbrefactor-config-key"
        value={key}
        disabled={!selected}
        aria-label={trans.__('Key of %1 in the config file', candidate.what)}
        onChange={event => setKey(event.target.value)}
        onBlur={commit}
      />
      <code className="jp-nbrefactor-config-value">{valueText(candidate)}</code>
      <Where candidate={candidate} trans={trans} />
      {candidate.convert === 'tuple' && (
        <span className="jp-nbrefactor-config-note">
          {trans.__('a tuple: read back with tuple(…)')}
        </span>
      )}
      {candidate.clash && (
        <span className="jp-nbrefactor-config-clash">
          {trans.__(
            '%1 already holds another value in the config file: this one goes under %2 (or rename it, or leave it out)',
            candidate.clash.key,
            candidate.clash.suggested
          )}
        </span>
      )}
    </li>
  );
}

function Previews(props: {
  plan: NbRefactorAPI.IConfigPlan;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { plan, trans } = props;
  if (plan.config_source === null) {
    return null;
  }
  return (
    <div className="jp-nbrefactor-config-previews">
      <h3 className="jp-nbrefactor-config-heading">{plan.config_path}</h3>
      <pre className="jp-nbrefactor-config-yaml">{plan.config_source}</pre>
      <h3 className="jp-nbrefactor-config-heading">
        {trans.__('Changed cells')}
      </h3>
      {plan.load_cell && (
        <div className="jp-nbrefactor-config-cell">
          <div className="jp-nbrefactor-config-cell-label">
            {trans.__('New cell %1', plan.load_cell.index + 1)}
          </div>
          <pre className="jp-nbrefactor-config-load">
            {plan.load_cell.source}
          </pre>
        </div>
      )}
      {plan.cells.map(cell => (
        <div className="jp-nbrefactor-config-cell" key={cell.index}>
          <div className="jp-nbrefactor-config-cell-label">
            {trans.__('Cell %1', cell.index + 1)}
          </div>
          <pre className="jp-nbrefactor-config-source">{cell.source}</pre>
        </div>
      ))}
      {plan.helper_source !== null && (
        <p className="jp-nbrefactor-config-helper">
          {trans.__(
            '%1 is created with load_config(path) (it reads YAML with ruamel.yaml).',
            plan.helper_path
          )}
        </p>
      )}
    </div>
  );
}

export function ConfigView(props: {
  model: ConfigModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const plan = model.plan;
  if (plan !== null && model.candidates.length === 0) {
    return (
      <div className="jp-nbrefactor-config-empty">
        <p>
          {trans.__(
            'No hard-coded parameters found: no literal that later cells read, no literal setting of a model or a split, no data path.'
          )}
        </p>
        {plan.refusals.length > 0 && <Refusals plan={plan} trans={trans} />}
      </div>
    );
  }
  return (
    <div className="jp-nbrefactor-config-form">
      <ul className="jp-nbrefactor-config-candidates">
        {model.candidates.map(candidate => (
          <CandidateRow
            key={candidate.id}
            model={model}
            candidate={candidate}
            trans={trans}
          />
        ))}
      </ul>
      <div className="jp-nbrefactor-config-status" aria-live="polite">
        {model.planning && (
          <span className="jp-nbrefactor-config-planning">
            {trans.__('Planning…')}
          </span>
        )}
        {model.error !== null && (
          <div className="jp-nbrefactor-config-error" role="alert">
            {model.error}
          </div>
        )}
        {plan?.refused &&
          model.candidates.some(c => model.isSelected(c.id)) && (
            <div className="jp-nbrefactor-config-refusal" role="alert">
              {plan.refused}
            </div>
          )}
      </div>
      {plan && plan.notes.length > 0 && (
        <ul className="jp-nbrefactor-config-notes">
          {plan.notes.map(note => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
      {plan && plan.refusals.length > 0 && (
        <Refusals plan={plan} trans={trans} />
      )}
      {plan && plan.refused === null && <Previews plan={plan} trans={trans} />}
    </div>
  );
}

function Refusals(props: {
  plan: NbRefactorAPI.IConfigPlan;
  trans: TranslationBundle;
}): JSX.Element {
  const { plan, trans } = props;
  return (
    <details className="jp-nbrefactor-config-refusals">
      <summary>
        {trans._n(
          '%1 value stays in the notebook',
          '%1 values stay in the notebook',
          plan.refusals.length
        )}
      </summary>
      <ul>
        {plan.refusals.map(r => (
          <li key={r.message} className="jp-nbrefactor-config-refused">
            {r.message}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The dialog body: re-renders whenever the model changes. */
export class ConfigBody extends ReactWidget {
  constructor(
    readonly model: ConfigModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-nbrefactor-config');
  }

  render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => <ConfigView model={this.model} trans={this._trans} />}
      </UseSignal>
    );
  }
}

/**
 * The dialog: Move (button or Enter) does nothing until the plan can be
 * applied; Enter in a key field takes the new key (the plan follows) instead
 * of moving with the old one.
 */
export class ConfigDialog extends PlanDialog {
  constructor(model: ConfigModel, trans: TranslationBundle) {
    super(model, {
      title: trans.__('Move Parameters to Config'),
      body: new ConfigBody(model, trans),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Move') })
      ]
    });
    this.addClass('jp-nbrefactor-config-dialog');
  }

  handleEvent(event: Event): void {
    const target = event.target as HTMLElement | null;
    if (
      event.type === 'keydown' &&
      (event as KeyboardEvent).key === 'Enter' &&
      target?.classList.contains('jp-nbrefactor-config-key')
    ) {
      event.preventDefault();
      event.stopPropagation();
      (target as HTMLInputElement).blur(); // the row commits its key on blur
      return;
    }
    super.handleEvent(event);
  }
}
