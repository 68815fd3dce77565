import { Dialog } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { NbRefactorClient } from '../api';
import { ExtractBody, ExtractDialog } from '../extract/dialog';
import { ExtractModel } from '../extract/model';
import { NbRefactorAPI } from '../tokens';

jest.mock('../api');

const trans = nullTranslator.load('jupyter_nbrefactor');

const PLAN: NbRefactorAPI.IPlan = {
  params: ['df'],
  returns: ['X', 'y'],
  module_path: 'src/churn.py',
  module_source: 'def features(df):\n    return df, df\n',
  base_hash: null,
  replacement: 'from src.churn import features\nX, y = features(df)',
  notes: ['the value cell 30 displayed is shown with display()'],
  refused: null,
  refused_at: null,
  overwrite_would_help: false
};

function setup(answer: NbRefactorAPI.IPlan = PLAN) {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.planExtraction.mockResolvedValue(answer);
  const model = new ExtractModel({
    client,
    mode: 'function',
    path: 'churn.ipynb',
    cells: [28, 29, 30],
    notebook: () => ({ cells: [] }),
    name: 'features',
    module: 'src/churn.py',
    debounceMs: 0
  });
  const onReveal = jest.fn();
  const body = new ExtractBody({ model, trans, modules: ['src/io.py'] });
  body.revealRequested.connect((_, location) => onReveal(location));
  return { client, model, body, onReveal };
}

function dialogFor(model: ExtractModel, body: ExtractBody): ExtractDialog {
  return new ExtractDialog({
    model,
    body,
    trans,
    title: 'Extract Function',
    acceptLabel: 'Extract'
  });
}

/** Let React render what the model's signal asked for. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

/** The body, attached and showing the plan `answer`. */
async function shown(answer: NbRefactorAPI.IPlan = PLAN) {
  const parts = setup(answer);
  Widget.attach(parts.body, document.body);
  await parts.model.planNow();
  await settle();
  return parts;
}

function text(node: HTMLElement, selector: string): string[] {
  return Array.from(node.querySelectorAll(selector)).map(
    n => n.textContent ?? ''
  );
}

describe('ExtractBody', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows the inferred signature, the notes and both previews', async () => {
    const { body } = await shown();

    expect(text(body.node, '.jp-nbrefactor-extract-params li')).toEqual(['df']);
    expect(text(body.node, '.jp-nbrefactor-extract-returns li')).toEqual([
      'X',
      'y'
    ]);
    expect(text(body.node, '.jp-nbrefactor-extract-notes li')).toEqual(
      PLAN.notes
    );
    expect(text(body.node, '.jp-nbrefactor-extract-replacement')).toEqual([
      PLAN.replacement
    ]);
    expect(text(body.node, '.jp-nbrefactor-extract-module-source')).toEqual([
      PLAN.module_source
    ]);
    expect(text(body.node, '.jp-nbrefactor-extract-selection')).toEqual([
      '3 code cells, 29 to 31, of the notebook.'
    ]);
    const options = body.node.querySelectorAll('datalist option');
    expect(Array.from(options, o => o.getAttribute('value'))).toEqual([
      'src/io.py'
    ]);
  });

  it('says why a name is invalid, and plans nothing', async () => {
    const { client, model, body } = setup();
    Widget.attach(body, document.body);
    model.setName('class');
    await settle();

    const input = body.node.querySelector('.jp-nbrefactor-extract-name')!;
    expect(input.classList).toContain('jp-mod-error');
    expect(text(body.node, '.jp-nbrefactor-extract-invalid')).toEqual([
      '"class" is a Python keyword.'
    ]);
    expect(client.planExtraction).not.toHaveBeenCalled();
  });

  it('shows a refusal with a link to the cell and line it names', async () => {
    const { body, onReveal } = await shown({
      ...PLAN,
      params: [],
      returns: [],
      module_source: null,
      replacement: null,
      refused: 'cell 30 line 2: reads In, which is different inside a module',
      refused_at: { cell: 29, line: 2 }
    });

    expect(text(body.node, '.jp-nbrefactor-extract-reason')).toEqual([
      'cell 30 line 2: reads In, which is different inside a module'
    ]);
    expect(
      body.node.querySelector('.jp-nbrefactor-extract-preview')
    ).toBeNull();
    const link = body.node.querySelector<HTMLButtonElement>(
      '.jp-nbrefactor-extract-goto'
    )!;
    expect(link.textContent).toBe('Go to cell 30, line 2');
    link.click();
    expect(onReveal).toHaveBeenCalledWith({ cell: 29, line: 2 });
  });

  it('links a refusal to the whole cell when it names no line', async () => {
    const { body, onReveal } = await shown({
      ...PLAN,
      refused: 'cell 4: a markdown cell cannot move',
      refused_at: { cell: 3, line: null }
    });

    const link = body.node.querySelector<HTMLButtonElement>(
      '.jp-nbrefactor-extract-goto'
    )!;
    expect(link.textContent).toBe('Go to cell 4');
    link.click();
    expect(onReveal).toHaveBeenCalledWith({ cell: 3, line: null });
  });

  it('marks the lines an extraction adds to an existing module', async () => {
    const { body } = await shown({
      ...PLAN,
      base_hash: 'abc123',
      module_source:
        'import math\n\n\ndef old(v):\n    return v\n\n\ndef features(df):\n    return df, df\n',
      inserted_lines: [[6, 9]]
    });

    const module = body.node.querySelector(
      '.jp-nbrefactor-extract-module-source'
    )!;
    const marks = module.querySelectorAll<HTMLElement>(
      '.jp-nbrefactor-extract-inserted'
    );
    expect(Array.from(marks, mark => mark.dataset.lines)).toEqual(['6-9']);
    expect(marks[0].style.getPropertyValue('--jp-nbrefactor-first')).toBe('6');
    expect(marks[0].style.getPropertyValue('--jp-nbrefactor-count')).toBe('4');
    expect(
      body.node.querySelectorAll(
        '.jp-nbrefactor-extract-replacement .jp-nbrefactor-extract-inserted'
      )
    ).toHaveLength(0);
  });

  it("names the other command, not the CLI's mode, in a refusal", async () => {
    const { body } = await shown({
      ...PLAN,
      refused:
        'cell 4 line 4: only imports, def, class and constant assignments can move as they are (use mode "function" for other code)',
      refused_at: { cell: 3, line: 4 }
    });

    expect(text(body.node, '.jp-nbrefactor-extract-reason')).toEqual([
      'cell 4 line 4: only imports, def, class and constant assignments can move as they are (use Extract Function… for other code)'
    ]);
  });

  it('has no link when the refusal names no cell', async () => {
    const { body } = await shown({
      ...PLAN,
      refused: 'src/churn.py already binds pd (not by an import)',
      refused_at: null
    });

    expect(text(body.node, '.jp-nbrefactor-extract-reason')).toEqual([
      'src/churn.py already binds pd (not by an import)'
    ]);
    expect(body.node.querySelector('.jp-nbrefactor-extract-goto')).toBeNull();
    expect(
      body.node.querySelector('.jp-nbrefactor-extract-overwrite')
    ).toBeNull();
  });

  it('offers to overwrite an existing definition, and plans with it when ticked', async () => {
    const { client, body } = await shown({
      ...PLAN,
      module_source: null,
      replacement: null,
      base_hash: 'abc123',
      refused:
        'src/churn.py already defines features: choose another name (or ask to overwrite)',
      refused_at: null,
      overwrite_would_help: true
    });

    const checkbox = body.node.querySelector<HTMLInputElement>(
      '.jp-nbrefactor-extract-overwrite-input'
    )!;
    expect(checkbox.checked).toBe(false);
    expect(
      body.node.querySelector('.jp-nbrefactor-extract-overwrite')!.textContent
    ).toBe(
      'Overwrite existing definitions' +
        'Replace a function or class of the same name in the module, in place, and take the name even if a notebook cell already defines it, as long as no later code uses that definition.'
    );
    client.planExtraction.mockClear();
    client.planExtraction.mockResolvedValue({ ...PLAN, base_hash: 'abc123' });

    checkbox.click();
    await settle();

    expect(client.planExtraction).toHaveBeenCalledTimes(1);
    expect(client.planExtraction.mock.calls[0][0].overwrite).toBe(true);
    expect(checkbox.checked).toBe(true);
    expect(text(body.node, '.jp-nbrefactor-extract-params li')).toEqual(['df']);
  });

  it('lets the signature be edited: renamed, given a default, reordered, and plans with it', async () => {
    const signed: NbRefactorAPI.IPlan = {
      ...PLAN,
      params: ['df', 'LIMIT'],
      signature: [
        { name: 'df', as: 'df', default: null },
        { name: 'LIMIT', as: 'LIMIT', default: null }
      ]
    };
    const { client, model, body } = await shown(signed);
    const names = () =>
      Array.from(
        body.node.querySelectorAll<HTMLInputElement>(
          '.jp-nbrefactor-extract-param-name'
        ),
        input => input.value
      );
    expect(names()).toEqual(['df', 'LIMIT']);
    // The first plan's request carries no edits: the server infers the signature.
    expect(client.planExtraction.mock.calls[0][0].parameters).toBeUndefined();

    client.planExtraction.mockClear();
    client.planExtraction.mockResolvedValue({
      ...signed,
      refused: 'parameter kept (for df) is already a name in the function'
    });
    model.setParameterName(1, 'limit');
    model.setParameterDefault(1, '3');
    await settle();
    // Still shown while re-planning and after a refusal: the fields keep their text.
    expect(names()).toEqual(['df', 'limit']);
    expect(
      body.node.querySelector('.jp-nbrefactor-extract-param-from')!.textContent
    ).toBe('called with LIMIT');

    model.moveParameter(1, -1);
    await settle();
    expect(names()).toEqual(['limit', 'df']);
    const calls = client.planExtraction.mock.calls;
    const request = calls[calls.length - 1][0];
    expect(request.parameters).toEqual([
      { name: 'LIMIT', as: 'limit', default: '3' },
      { name: 'df', as: 'df', default: null }
    ]);
    expect(model.applyRequest()!.parameters).toEqual(request.parameters);
    expect(
      body.node.querySelector<HTMLButtonElement>(
        '.jp-nbrefactor-extract-param-up'
      )!.disabled
    ).toBe(true);
  });
});

describe('ExtractDialog', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('accepts only once the plan can be applied', async () => {
    const { client, model, body } = setup({
      ...PLAN,
      refused: 'cell 29: nope',
      refused_at: { cell: 28, line: null }
    });
    const dialog = dialogFor(model, body);
    const result = dialog.launch();
    await model.planNow();
    await settle();

    const accept = dialog.node.querySelector<HTMLButtonElement>(
      '.jp-Dialog-button.jp-mod-accept'
    )!;
    expect(accept.textContent).toContain('Extract');
    expect(accept.disabled).toBe(true);
    dialog.resolve();
    expect(dialog.isDisposed).toBe(false);

    client.planExtraction.mockResolvedValue(PLAN);
    await model.planNow();
    expect(accept.disabled).toBe(false);
    dialog.resolve();
    const { button } = await result;
    expect(button.accept).toBe(true);
  });

  it('can always be cancelled', async () => {
    const { model, body } = setup();
    const dialog = dialogFor(model, body);
    const result = dialog.launch();
    model.setName('');
    dialog.resolve(0);
    const { button } = await result;
    expect(button.accept).toBe(false);
    expect(Dialog.tracker.size).toBe(0);
  });
});
