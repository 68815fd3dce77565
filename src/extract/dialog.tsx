/**
 * The extract dialog: a JupyterLab Dialog whose body renders an ExtractModel
 * (inputs, the inferred signature, previews, the refusal) and whose accept
 * button works only while the model's plan can be applied.
 */
import { Dialog, ReactWidget, UseSignal } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { UUID } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';

import { PlanDialog } from '../components/PlanDialog';
import { NbRefactorAPI } from '../tokens';
import { ExtractModel } from './model';

type IRefusalLocation = NbRefactorAPI.IRefusalLocation;

/** Puts `code`, syntax highlighted, into `node`. */
export type Highlighter = (code: string, node: HTMLElement) => Promise<void>;

/** A read-only code block, highlighted when a highlighter is available. */
function CodePreview(props: {
  code: string;
  highlight: Highlighter | null;
  className: string;
  label: string;
  /** 1-based [first, last] line ranges to mark as new (scrolled into view). */
  marks?: readonly (readonly [number, number])[];
}): JSX.Element {
  const ref = React.useRef<HTMLElement>(null);
  const pre = React.useRef<HTMLPreElement>(null);
  const { code, highlight } = props;
  const marks = props.marks ?? [];
  const firstMark = marks.length > 0 ? marks[0][0] : null;
  React.useEffect(() => {
    const mark = pre.current?.querySelector<HTMLElement>(
      '.jp-nbrefactor-extract-inserted'
    );
    if (pre.current && mark) {
      pre.current.scrollTop = Math.max(0, mark.offsetTop - 24);
    }
  }, [code, firstMark]);
  React.useEffect(() => {
    const node = ref.current;
    if (!node) {
      return;
    }
    node.textContent = code;
    if (!highlight) {
      return;
    }
    let current = true;
    const highlighted = document.createElement('code');
    highlight(code, highlighted)
      .then(() => {
        if (current) {
          node.replaceChildren(...Array.from(highlighted.childNodes));
        }
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [code, highlight]);
  return (
    <pre
      ref={pre}
      className={`jp-nbrefactor-extract-preview ${props.className}`}
      aria-label={props.label}
    >
      {marks.map(([first, last]) => (
        <span
          key={`${first}-${last}`}
          className="jp-nbrefactor-extract-inserted"
          aria-hidden={true}
          data-lines={`${first}-${last}`}
          style={
            {
              '--jp-nbrefactor-first': first,
              '--jp-nbrefactor-count': last - first + 1
            } as React.CSSProperties
          }
        />
      ))}
      <code ref={ref} />
    </pre>
  );
}

/** A list of Python names, or "none". */
function Names(props: {
  names: readonly string[];
  className: string;
  trans: TranslationBundle;
}): JSX.Element {
  if (props.names.length === 0) {
    return (
      <span className={`jp-nbrefactor-extract-none ${props.className}`}>
        {props.trans.__('none')}
      </span>
    );
  }
  return (
    <ul className={`jp-nbrefactor-extract-names ${props.className}`}>
      {props.names.map(name => (
        <li key={name}>
          <code>{name}</code>
        </li>
      ))}
    </ul>
  );
}

interface IFormProps {
  model: ExtractModel;
  trans: TranslationBundle;
  modules: readonly string[];
  highlight: Highlighter | null;
  onReveal: (location: IRefusalLocation) => void;
  listId: string;
}

function nameMessage(model: ExtractModel, trans: TranslationBundle): string {
  switch (model.nameProblem) {
    case 'empty':
      return trans.__('Enter a function name.');
    case 'not-identifier':
      return trans.__(
        '"%1" is not a Python identifier: use letters, digits and _, not starting with a digit.',
        model.name
      );
    case 'keyword':
      return trans.__('"%1" is a Python keyword.', model.name);
    default:
      return '';
  }
}

function moduleMessage(model: ExtractModel, trans: TranslationBundle): string {
  switch (model.moduleProblem) {
    case 'empty':
      return trans.__('Enter a module path such as src/data.py.');
    case 'not-py':
      return trans.__('The module path must end in .py.');
    default:
      return '';
  }
}

/** What overwriting does, as the engine does it in each mode. */
function overwriteCaption(
  model: ExtractModel,
  trans: TranslationBundle
): string {
  return model.mode === 'function'
    ? trans.__(
        'Replace a function or class of the same name in the module, in place, and take the name even if a notebook cell already defines it, as long as no later code uses that definition.'
      )
    : trans.__(
        'Replace the functions and classes of the same names in the module, in place.'
      );
}

/**
 * The function's parameters, editable: the name the function uses, a literal
 * default, the order. The call keeps passing the notebook's variables.
 */
function SignatureEditor(props: {
  model: ExtractModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const signature = model.signature ?? [];
  return (
    <fieldset className="jp-nbrefactor-extract-signature-editor">
      <legend>
        {trans.__('Signature (the call still passes the same variables)')}
      </legend>
      {signature.map((entry, index) => (
        <div
          key={entry.name}
          className="jp-nbrefactor-extract-param"
          data-name={entry.name}
        >
          <input
            className="jp-mod-styled jp-nbrefactor-extract-param-name"
            value={entry.as}
            spellCheck={false}
            aria-label={trans.__('Name of parameter %1', entry.name)}
            onChange={event =>
              model.setParameterName(index, event.target.value)
            }
          />
          <input
            className="jp-mod-styled jp-nbrefactor-extract-param-default"
            value={entry.default ?? ''}
            spellCheck={false}
            placeholder={trans.__('no default')}
            aria-label={trans.__('Default of parameter %1', entry.name)}
            onChange={event =>
              model.setParameterDefault(index, event.target.value)
            }
          />
          <button
            type="button"
            className="jp-Button jp-mod-minimal jp-nbrefactor-extract-param-up"
            disabled={index === 0}
            aria-label={trans.__('Move parameter %1 up', entry.name)}
            title={trans.__('Move up')}
            onClick={() => model.moveParameter(index, -1)}
          >
            ↑
          </button>
          {entry.as !== entry.name && (
            <span className="jp-nbrefactor-extract-param-from">
              {trans.__('called with %1', entry.name)}
            </span>
          )}
        </div>
      ))}
    </fieldset>
  );
}

/**
 * The engine's reason in the dialog's words: the CLI's `mode "function"` /
 * `mode "module"` are the commands Extract Function… and Move to Module… here.
 */
export function inDialogWords(text: string, trans: TranslationBundle): string {
  return text
    .replace(/mode "function"/g, trans.__('Extract Function…'))
    .replace(/mode "module"/g, trans.__('Move to Module…'));
}

function ExtractForm(props: IFormProps): JSX.Element {
  const { model, trans } = props;
  const plan = model.plan;
  const nameError = nameMessage(model, trans);
  const moduleError = moduleMessage(model, trans);
  const location = model.refusal;
  const first = model.cells[0] + 1;
  const last = model.cells[model.cells.length - 1] + 1;
  return (
    <div className="jp-nbrefactor-extract-form">
      <p className="jp-nbrefactor-extract-selection">
        {first === last
          ? trans.__('Code cell %1 of the notebook.', first)
          : trans._n(
              '%2 code cell, %3 to %4, of the notebook.',
              '%2 code cells, %3 to %4, of the notebook.',
              model.cells.length,
              model.cells.length,
              first,
              last
            )}
      </p>
      {model.keptCells.length > 0 && (
        <p className="jp-nbrefactor-extract-kept">
          {trans._n(
            'Markdown cell %2 stays in the notebook, where it is.',
            'Markdown cells %2 stay in the notebook, where they are.',
            model.keptCells.length,
            model.keptCells.map(index => index + 1).join(', ')
          )}
        </p>
      )}
      {model.mode === 'function' && (
        <label className="jp-nbrefactor-extract-field">
          <span>{trans.__('Function name')}</span>
          <input
            className={`jp-mod-styled jp-nbrefactor-extract-name${nameError ? ' jp-mod-error' : ''}`}
            value={model.name}
            spellCheck={false}
            aria-invalid={nameError !== ''}
            onChange={event => model.setName(event.target.value)}
          />
          {nameError && (
            <span className="jp-nbrefactor-extract-invalid" role="alert">
              {nameError}
            </span>
          )}
        </label>
      )}
      <label className="jp-nbrefactor-extract-field">
        <span>{trans.__('Module (relative to the notebook)')}</span>
        <input
          className={`jp-mod-styled jp-nbrefactor-extract-module${moduleError ? ' jp-mod-error' : ''}`}
          value={model.module}
          list={props.listId}
          spellCheck={false}
          aria-invalid={moduleError !== ''}
          onChange={event => model.setModule(event.target.value)}
        />
        <datalist id={props.listId}>
          {props.modules.map(module => (
            <option key={module} value={module} />
          ))}
        </datalist>
        {moduleError && (
          <span className="jp-nbrefactor-extract-invalid" role="alert">
            {moduleError}
          </span>
        )}
      </label>
      {model.offersOverwrite && (
        <label className="jp-nbrefactor-extract-overwrite">
          <input
            type="checkbox"
            className="jp-nbrefactor-extract-overwrite-input"
            checked={model.overwrite}
            onChange={event => model.setOverwrite(event.target.checked)}
          />
          <span>{trans.__('Overwrite existing definitions')}</span>
          <span className="jp-nbrefactor-extract-overwrite-caption">
            {overwriteCaption(model, trans)}
          </span>
        </label>
      )}
      <div className="jp-nbrefactor-extract-status" aria-live="polite">
        {model.planning && (
          <span className="jp-nbrefactor-extract-planning">
            {trans.__('Planning…')}
          </span>
        )}
        {model.error && (
          <div className="jp-nbrefactor-extract-error" role="alert">
            {model.error}
          </div>
        )}
        {plan?.refused && (
          <div className="jp-nbrefactor-extract-refusal" role="alert">
            <strong>{trans.__('This selection cannot move:')}</strong>{' '}
            <span className="jp-nbrefactor-extract-reason">
              {inDialogWords(plan.refused, trans)}
            </span>
            {location && (
              <button
                className="jp-nbrefactor-extract-goto"
                onClick={() => props.onReveal(location)}
              >
                {location.line === null
                  ? trans.__('Go to cell %1', location.cell + 1)
                  : trans.__(
                      'Go to cell %1, line %2',
                      location.cell + 1,
                      location.line
                    )}
              </button>
            )}
          </div>
        )}
      </div>
      {model.mode === 'function' &&
        model.signature !== null &&
        model.signature.length > 0 && (
          <SignatureEditor model={model} trans={trans} />
        )}
      {plan && !plan.refused && (
        <>
          {model.mode === 'function' && (
            <dl className="jp-nbrefactor-extract-signature">
              {[
                [trans.__('Parameters'), plan.params, 'params'] as const,
                [trans.__('Returns'), plan.returns, 'returns'] as const
              ].map(([term, names, kind]) => (
                <React.Fragment key={kind}>
                  <dt>{term}</dt>
                  <dd>
                    <Names
                      names={names}
                      className={`jp-nbrefactor-extract-${kind}`}
                      trans={trans}
                    />
                  </dd>
                </React.Fragment>
              ))}
            </dl>
          )}
          {plan.notes.length > 0 && (
            <ul className="jp-nbrefactor-extract-notes">
              {plan.notes.map(note => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
          <div className="jp-nbrefactor-extract-previews">
            {[
              {
                heading: trans.__('Replacement cell'),
                code: plan.replacement,
                marks: [] as [number, number][],
                kind: 'replacement',
                label: trans.__('Replacement cell')
              },
              {
                heading:
                  plan.base_hash === null
                    ? trans.__('%1 (new file)', plan.module_path)
                    : trans.__(
                        '%1 (merged into the existing file)',
                        plan.module_path
                      ),
                code: plan.module_source,
                kind: 'module-source',
                label: trans.__('Module code'),
                marks: plan.inserted_lines ?? []
              }
            ].map(preview => (
              <section key={preview.kind}>
                <h3 className="jp-nbrefactor-extract-heading">
                  {preview.heading}
                </h3>
                <CodePreview
                  code={preview.code ?? ''}
                  highlight={props.highlight}
                  className={`jp-nbrefactor-extract-${preview.kind}`}
                  label={preview.label}
                  marks={preview.marks}
                />
              </section>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

export namespace ExtractBody {
  export interface IOptions {
    model: ExtractModel;
    trans: TranslationBundle;
    /** Existing modules to offer, relative to the notebook's folder. */
    modules?: readonly string[];
    highlight?: Highlighter | null;
  }
}

/** The dialog's body: renders the model, re-rendering on its changes. */
export class ExtractBody extends ReactWidget {
  constructor(options: ExtractBody.IOptions) {
    super();
    this.addClass('jp-nbrefactor-extract');
    this._options = options;
    this._listId = `jp-nbrefactor-modules-${UUID.uuid4()}`;
  }

  /** Emits when the person asks to see the cell (and line) a refusal names. */
  get revealRequested(): ISignal<ExtractBody, IRefusalLocation> {
    return this._revealRequested;
  }

  /** Offer these existing modules in the module field. */
  setModules(modules: readonly string[]): void {
    this._options = { ...this._options, modules };
    this.update();
  }

  protected render(): JSX.Element {
    const { model, trans } = this._options;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <ExtractForm
            model={model}
            trans={trans}
            modules={this._options.modules ?? []}
            highlight={this._options.highlight ?? null}
            onReveal={location => this._revealRequested.emit(location)}
            listId={this._listId}
          />
        )}
      </UseSignal>
    );
  }

  private _options: ExtractBody.IOptions;
  private _listId: string;
  private _revealRequested = new Signal<ExtractBody, IRefusalLocation>(this);
}

export namespace ExtractDialog {
  export interface IOptions {
    model: ExtractModel;
    body: ExtractBody;
    title: string;
    acceptLabel: string;
    trans: TranslationBundle;
  }
}

/** Accepts only while the model's plan can be applied (PlanDialog). */
export class ExtractDialog extends PlanDialog {
  constructor(options: ExtractDialog.IOptions) {
    super(options.model, {
      title: options.title,
      body: options.body,
      buttons: [
        Dialog.cancelButton({ label: options.trans.__('Cancel') }),
        Dialog.okButton({ label: options.acceptLabel })
      ],
      focusNodeSelector: 'input'
    });
    this.addClass('jp-nbrefactor-extract-dialog');
    // Showing the offending cell closes the dialog (it is modal).
    options.body.revealRequested.connect(() => this.reject(), this);
  }
}
