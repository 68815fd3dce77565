import { nullTranslator } from '@jupyterlab/translation';

import { ConfigDialog } from '../config/dialog';
import { ConfigModel, IConfigClient } from '../config/model';
import { NbRefactorAPI } from '../tokens';

const trans = nullTranslator.load('jupyter_nbrefactor');

const CANDIDATE: NbRefactorAPI.IConfigCandidate = {
  id: 'seed',
  key: 'seed',
  kind: 'name',
  what: 'SEED',
  value: 42,
  value_text: '42',
  convert: null,
  cell_index: 3,
  cell_id: 'c3',
  line: 2,
  places: [{ cell_index: 3, cell_id: 'c3', line: 2, text: 'SEED = 42' }],
  reads: 2,
  clash: null,
  selected: true
};

function plan(
  overrides: Partial<NbRefactorAPI.IConfigPlan> = {}
): NbRefactorAPI.IConfigPlan {
  return {
    candidates: [CANDIDATE],
    refusals: [],
    config_path: 'config.yaml',
    config_source: 'seed: 42\n',
    base_hash: null,
    helper_path: 'src/config.py',
    helper_source: null,
    load_cell: { index: 1, source: 'config = load_config("config.yaml")' },
    cells: [{ index: 3, id: 'c3', source: 'SEED = config["seed"]' }],
    kernel_code: 'config = load_config("config.yaml")\n',
    notes: [],
    refused: null,
    ...overrides
  };
}

/** Let React render what the model's signal asked for. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

async function opened(first: NbRefactorAPI.IConfigPlan) {
  const planConfig = jest.fn().mockResolvedValue(first);
  const client: IConfigClient = { planConfig };
  const model = new ConfigModel(client, {
    path: 'churn.ipynb',
    notebook: { cells: [] },
    config_path: 'config.yaml'
  });
  const dialog = new ConfigDialog(model, trans);
  const result = dialog.launch();
  await model.start();
  await settle();
  const accept = dialog.node.querySelector<HTMLButtonElement>(
    '.jp-Dialog-button.jp-mod-accept'
  )!;
  return { model, dialog, result, accept, planConfig };
}

describe('ConfigDialog', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('moves only while the plan can be applied', async () => {
    const { model, dialog, result, accept, planConfig } = await opened(
      plan({ refused: 'key seed clashes' })
    );
    expect(accept.textContent).toContain('Move');
    expect(accept.disabled).toBe(true);
    dialog.resolve();
    expect(dialog.isDisposed).toBe(false);

    planConfig.mockResolvedValue(plan());
    await model.update();
    expect(accept.disabled).toBe(false);
    dialog.resolve();
    expect((await result).button.accept).toBe(true);
  });

  it('has nothing to move when the notebook has no parameter', async () => {
    const { dialog, result, accept } = await opened(
      plan({ candidates: [], cells: [], load_cell: null, refused: 'none' })
    );
    expect(dialog.node.textContent).toContain('No hard-coded parameters found');
    expect(accept.disabled).toBe(true);
    dialog.resolve(0);
    expect((await result).button.accept).toBe(false);
  });

  it('takes the key on Enter in a key field instead of moving', async () => {
    const { dialog, accept, planConfig } = await opened(plan());
    const input = dialog.node.querySelector<HTMLInputElement>(
      '.jp-nbrefactor-config-key'
    )!;
    input.focus();
    // React's onChange follows the native value setter and an input event
    Object.getOwnPropertyDescriptor(
      HTMLInputElement.prototype,
      'value'
    )!.set!.call(input, 'training.seed');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })
    );
    await settle();
    expect(dialog.isDisposed).toBe(false);
    expect(planConfig).toHaveBeenLastCalledWith(
      expect.objectContaining({ keys: { seed: 'training.seed' } })
    );
    expect(accept.disabled).toBe(false);
    dialog.resolve(0);
  });
});
