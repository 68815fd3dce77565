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
  refused: null
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

/** Let React render what the model's signal asked for. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
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
    const { model, body } = setup();
    Widget.attach(body, document.body);
    await model.planNow();
    await settle();

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
      '3 cells, 29 to 31, of the notebook.'
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
    const { model, body, onReveal } = setup({
      ...PLAN,
      params: [],
      returns: [],
      module_source: null,
      replacement: null,
      refused: 'cell 30 line 2: reads In, which is different inside a module'
    });
    Widget.attach(body, document.body);
    await model.planNow();
    await settle();

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
});

describe('ExtractDialog', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('accepts only once the plan can be applied', async () => {
    const { client, model, body } = setup({
      ...PLAN,
      refused: 'cell 29: nope'
    });
    const dialog = new ExtractDialog({
      model,
      body,
      trans,
      title: 'Extract Function',
      acceptLabel: 'Extract'
    });
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
    const dialog = new ExtractDialog({
      model,
      body,
      trans,
      title: 'Extract Function',
      acceptLabel: 'Extract'
    });
    const result = dialog.launch();
    model.setName('');
    dialog.resolve(0);
    const { button } = await result;
    expect(button.accept).toBe(false);
    expect(Dialog.tracker.size).toBe(0);
  });
});
