import { ConfigModel, IConfigClient } from '../config/model';
import { NbRefactorAPI } from '../tokens';

const NOTEBOOK = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };

function candidate(
  key: string,
  overrides: Partial<NbRefactorAPI.IConfigCandidate> = {}
): NbRefactorAPI.IConfigCandidate {
  return {
    id: key,
    key,
    kind: 'keyword',
    what: `RandomForestClassifier(${key.split('.').pop()}=…)`,
    value: 60,
    value_text: '60',
    convert: null,
    cell_index: 3,
    cell_id: 'c3',
    line: 1,
    places: [{ cell_index: 3, cell_id: 'c3', line: 1, text: 'model = …' }],
    reads: 1,
    clash: null,
    selected: true,
    ...overrides
  };
}

function plan(
  overrides: Partial<NbRefactorAPI.IConfigPlan> = {}
): NbRefactorAPI.IConfigPlan {
  return {
    candidates: [candidate('model.n_estimators'), candidate('seed')],
    refusals: [],
    config_path: 'config.yaml',
    config_source: 'model:\n  n_estimators: 60\nseed: 42\n',
    base_hash: null,
    helper_path: 'src/config.py',
    helper_source: 'def load_config(path): ...\n',
    load_cell: { index: 1, source: 'config = load_config("config.yaml")' },
    cells: [{ index: 3, id: 'c3', source: 'model = …' }],
    kernel_code: 'config = load_config("config.yaml")\n',
    notes: [],
    refused: null,
    ...overrides
  };
}

function setup(first = plan()) {
  const planConfig = jest.fn().mockResolvedValue(first);
  const client: IConfigClient = { planConfig };
  const model = new ConfigModel(client, {
    path: 'work/churn.ipynb',
    notebook: NOTEBOOK,
    config_path: 'config.yaml'
  });
  return { model, planConfig };
}

describe('ConfigModel', () => {
  it('starts with every candidate the server proposes, selected', async () => {
    const { model, planConfig } = setup();
    await model.start();
    expect(planConfig).toHaveBeenCalledWith({
      path: 'work/churn.ipynb',
      notebook: NOTEBOOK,
      config_path: 'config.yaml'
    });
    expect(model.candidates.map(c => c.id)).toEqual([
      'model.n_estimators',
      'seed'
    ]);
    expect(model.isSelected('seed')).toBe(true);
    expect(model.canApply).toBe(true);
  });

  it('plans again with the selection and the edited keys', async () => {
    const { model, planConfig } = setup();
    await model.start();
    planConfig.mockResolvedValue(
      plan({ config_source: 'random:\n  seed: 42\n' })
    );
    await model.toggle('model.n_estimators', false);
    await model.setKey('seed', ' random.seed ');
    expect(planConfig).toHaveBeenLastCalledWith({
      path: 'work/churn.ipynb',
      notebook: NOTEBOOK,
      config_path: 'config.yaml',
      select: ['seed'],
      keys: { seed: 'random.seed' }
    });
    expect(model.keyOf('seed')).toBe('random.seed');
    expect(model.plan?.config_source).toBe('random:\n  seed: 42\n');
  });

  it('cannot apply a refused plan, nothing selected, or after an error', async () => {
    const { model, planConfig } = setup();
    await model.start();
    planConfig.mockResolvedValue(
      plan({ refused: 'key seed is 7 in config.yaml, the notebook has 42' })
    );
    await model.setKey('seed', 'seed');
    expect(model.canApply).toBe(false);

    planConfig.mockRejectedValue(new Error('"config_path" must end in .yaml'));
    await model.update();
    expect(model.error).toBe('"config_path" must end in .yaml');
    expect(model.canApply).toBe(false);

    planConfig.mockResolvedValue(plan());
    await model.update();
    await model.toggle('seed', false);
    await model.toggle('model.n_estimators', false);
    expect(model.canApply).toBe(false);
  });

  it('keeps only the answer to the last request', async () => {
    const { model, planConfig } = setup();
    await model.start();
    let answerSlow: (value: NbRefactorAPI.IConfigPlan) => void = () => {};
    planConfig.mockImplementationOnce(
      () => new Promise(resolve => (answerSlow = resolve))
    );
    const slow = model.toggle('seed', false);
    planConfig.mockResolvedValueOnce(plan({ notes: ['fast'] }));
    await model.toggle('seed', true);
    answerSlow(plan({ notes: ['slow'] }));
    await slow;
    expect(model.plan?.notes).toEqual(['fast']);
  });
});
