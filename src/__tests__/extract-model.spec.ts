import { NbRefactorClient } from '../api';
import { ExtractModel } from '../extract/model';
import { NbRefactorAPI } from '../tokens';

jest.mock('../api');

const { NbRefactorError } = jest.requireActual('../api');

const NOTEBOOK = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };

function plan(
  overrides: Partial<NbRefactorAPI.IPlan> = {}
): NbRefactorAPI.IPlan {
  return {
    params: ['df'],
    returns: ['X', 'y'],
    module_path: 'src/churn.py',
    module_source: 'def features(df):\n    ...\n',
    base_hash: null,
    replacement: 'from src.churn import features\nX, y = features(df)',
    notes: [],
    refused: null,
    refused_at: null,
    overwrite_would_help: false,
    ...overrides
  };
}

function setup(options: Partial<ExtractModel.IOptions> = {}) {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.planExtraction.mockResolvedValue(plan());
  const live = { notebook: NOTEBOOK as { [key: string]: unknown } };
  const model = new ExtractModel({
    client,
    mode: 'function',
    path: 'work/churn.ipynb',
    cells: [30, 28, 29],
    notebook: () => live.notebook,
    name: 'features',
    module: 'src/churn.py',
    debounceMs: 300,
    ...options
  });
  return { client, model, live };
}

describe('ExtractModel', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('plans the selection from the live notebook', async () => {
    const { client, model, live } = setup();
    live.notebook = {
      ...NOTEBOOK,
      cells: [{ cell_type: 'code', source: 'x = 1' }]
    };

    await model.planNow();

    expect(client.planExtraction).toHaveBeenCalledWith({
      notebook: live.notebook,
      cells: [28, 29, 30],
      name: 'features',
      module: 'src/churn.py',
      mode: 'function',
      path: 'work/churn.ipynb',
      overwrite: false
    });
    expect(model.plan).toEqual(plan());
    expect(model.planning).toBe(false);
    expect(model.canApply).toBe(true);
  });

  it('sends no name in mode "module"', async () => {
    const { client, model } = setup({ mode: 'module', name: '' });
    await model.planNow();
    expect(client.planExtraction.mock.calls[0][0]).not.toHaveProperty('name');
    expect(model.nameProblem).toBeNull();
    expect(model.canApply).toBe(true);
  });

  it('plans again once typing pauses, once', async () => {
    const { client, model } = setup();
    await model.planNow();
    client.planExtraction.mockClear();

    model.setName('build');
    await jest.advanceTimersByTimeAsync(200);
    model.setName('build_features');
    expect(model.canApply).toBe(false);
    expect(model.planning).toBe(true);
    await jest.advanceTimersByTimeAsync(200);
    expect(client.planExtraction).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(100);
    expect(client.planExtraction).toHaveBeenCalledTimes(1);
    expect(client.planExtraction.mock.calls[0][0].name).toBe('build_features');
    expect(model.canApply).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['2fast', 'not-identifier'],
    ['lambda', 'keyword']
  ])('does not plan nor apply with the name %j (%s)', async (name, problem) => {
    const { client, model } = setup();
    model.setName(name);
    await jest.advanceTimersByTimeAsync(1000);

    expect(model.nameProblem).toBe(problem);
    expect(client.planExtraction).not.toHaveBeenCalled();
    expect(model.plan).toBeNull();
    expect(model.canApply).toBe(false);
  });

  it.each([
    ['', 'empty'],
    ['src/churn', 'not-py']
  ])('does not plan with the module %j (%s)', async (module, problem) => {
    const { client, model } = setup();
    model.setModule(module);
    await jest.advanceTimersByTimeAsync(1000);
    expect(model.moduleProblem).toBe(problem);
    expect(client.planExtraction).not.toHaveBeenCalled();
    expect(model.canApply).toBe(false);
  });

  it('cannot apply a refused plan and says where the problem is', async () => {
    const { client, model } = setup();
    client.planExtraction.mockResolvedValue(
      plan({
        params: [],
        returns: [],
        module_source: null,
        replacement: null,
        refused:
          "cell 30 line 2: `global x` cannot move: the global would be the module's",
        refused_at: { cell: 29, line: 2 }
      })
    );
    await model.planNow();

    expect(model.canApply).toBe(false);
    expect(model.refusal).toEqual({ cell: 29, line: 2 });
    expect(model.offersOverwrite).toBe(false);
  });

  it('points nowhere when the refusal names no cell', async () => {
    const { client, model } = setup();
    client.planExtraction.mockResolvedValue(
      plan({
        module_source: null,
        replacement: null,
        refused: 'src/churn.py does not parse (line 3): fix it first',
        refused_at: null
      })
    );
    await model.planNow();
    expect(model.refusal).toBeNull();
  });

  it('offers to overwrite when the refusal says so, and re-plans at once when asked', async () => {
    const { client, model } = setup();
    const refused = plan({
      params: [],
      returns: [],
      module_source: null,
      replacement: null,
      refused:
        'cell 3 line 1: features already exists in the notebook: choose another name (or ask to overwrite)',
      refused_at: { cell: 2, line: 1 },
      overwrite_would_help: true
    });
    client.planExtraction.mockResolvedValue(refused);
    await model.planNow();
    expect(model.overwrite).toBe(false);
    expect(model.offersOverwrite).toBe(true);
    client.planExtraction.mockClear();
    client.planExtraction.mockResolvedValue(plan());

    const changed = jest.fn();
    model.changed.connect(changed);
    model.setOverwrite(true);
    expect(model.planning).toBe(true);
    await jest.advanceTimersByTimeAsync(0);

    expect(client.planExtraction).toHaveBeenCalledTimes(1);
    expect(client.planExtraction.mock.calls[0][0].overwrite).toBe(true);
    expect(model.plan).toEqual(plan());
    expect(model.canApply).toBe(true);
    // Still shown, so it can be turned off again.
    expect(model.offersOverwrite).toBe(true);
    expect(changed).toHaveBeenCalled();

    model.setOverwrite(true);
    expect(client.planExtraction).toHaveBeenCalledTimes(1);

    // Unticked: still offered while the refusal comes back.
    client.planExtraction.mockResolvedValue(refused);
    model.setOverwrite(false);
    expect(model.planning).toBe(true);
    expect(model.offersOverwrite).toBe(true);
    await jest.advanceTimersByTimeAsync(0);
    expect(client.planExtraction.mock.calls[1][0].overwrite).toBe(false);
    expect(model.offersOverwrite).toBe(true);

    // Another name: offered again only if its plan says so.
    client.planExtraction.mockResolvedValue(plan());
    model.setName('build_features');
    expect(model.offersOverwrite).toBe(false);
    await jest.advanceTimersByTimeAsync(300);
    expect(model.offersOverwrite).toBe(false);
  });

  it('applies with the overwrite choice and the hash the plan was made against', async () => {
    const { client, model } = setup();
    expect(model.applyRequest()).toBeNull();
    client.planExtraction.mockResolvedValue(plan({ base_hash: 'abc123' }));
    model.setOverwrite(true);
    await jest.advanceTimersByTimeAsync(0);

    expect(model.applyRequest()).toEqual({
      notebook: NOTEBOOK,
      cells: [28, 29, 30],
      name: 'features',
      module: 'src/churn.py',
      mode: 'function',
      path: 'work/churn.ipynb',
      overwrite: true,
      base_hash: 'abc123'
    });
  });

  it("shows the server's message for a bad request and cannot apply", async () => {
    const { client, model } = setup();
    client.planExtraction.mockRejectedValue(
      new NbRefactorError(
        "module path 'src/os.py': top-level name 'src' would shadow",
        400
      )
    );
    await model.planNow();
    expect(model.error).toBe(
      "module path 'src/os.py': top-level name 'src' would shadow"
    );
    expect(model.canApply).toBe(false);
  });

  it('drops an answer for inputs that changed meanwhile', async () => {
    const { client, model } = setup();
    let release: (value: NbRefactorAPI.IPlan) => void = () => undefined;
    client.planExtraction.mockImplementationOnce(
      () => new Promise(resolve => (release = resolve))
    );
    const first = model.planNow();
    model.setName('newer');
    release(plan({ returns: ['stale'] }));
    await first;
    expect(model.plan).toBeNull();

    await jest.advanceTimersByTimeAsync(300);
    expect(model.plan).toEqual(plan());
    expect(model.canApply).toBe(true);
  });
});
