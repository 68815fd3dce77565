import { Notification } from '@jupyterlab/apputils';
import { NotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import { Contents } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { NbRefactorClient } from '../api';
import { Extractor, modulePathFor } from '../extract/extractor';
import { ExtractModel, nameProblem } from '../extract/model';
import { DEFAULT_EXTRACT_SETTINGS } from '../extract/settings';
import { IExecutionLogs, NbRefactorAPI } from '../tokens';

jest.mock('../api');

const trans = nullTranslator.load('jupyter_nbrefactor');
const PATH = 'work/churn.ipynb';

const APPLIED: NbRefactorAPI.IApplyResult = {
  params: ['df'],
  returns: ['X'],
  module_path: 'src/churn.py',
  module_source: 'def features(df):\n    return df\n',
  base_hash: null,
  replacement: 'from src.churn import features\nX = features(df)',
  notes: [],
  refused: null,
  refused_at: null,
  overwrite_would_help: false,
  written: 'work/src/churn.py',
  kernel_code: null,
  previous_source: null,
  written_hash: 'abc',
  created: ['src', 'src/__init__.py']
};

function setUp() {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.applyExtraction.mockResolvedValue(APPLIED);
  client.restoreExtraction.mockResolvedValue({
    restored: 'work/src/churn.py',
    removed: ['src/__init__.py', 'src'],
    kept: []
  });
  const handBack = jest.fn();
  const logs: IExecutionLogs = {
    recordReplacement: jest.fn(() => handBack)
  };
  const extractor = new Extractor({
    client,
    commands: new CommandRegistry(),
    contents: {} as Contents.IManager,
    trans,
    settings: () => DEFAULT_EXTRACT_SETTINGS,
    highlight: null,
    logs
  });
  const model = new NotebookModel();
  model.sharedModel.insertCells(0, [
    { cell_type: 'code', source: 'df = load()', metadata: {} },
    { cell_type: 'code', source: 'X = df', metadata: {} },
    { cell_type: 'markdown', source: '## notes', metadata: {} },
    { cell_type: 'code', source: 'X = X + 1', metadata: {} }
  ]);
  model.sharedModel.clearUndoHistory();
  const panel = {
    content: {
      model,
      mode: 'command',
      activeCellIndex: 0,
      deselectAll: () => undefined,
      activate: () => undefined
    },
    context: { isReady: true, path: PATH, localPath: PATH, contentsModel: {} },
    sessionContext: { session: null }
  } as unknown as NotebookPanel;
  const extraction = {
    applyRequest: () => ({}) as NbRefactorAPI.IApplyRequest,
    cells: [1, 3],
    keptCells: [2],
    path: PATH,
    mode: 'function',
    name: 'features'
  } as unknown as ExtractModel;
  const apply = () =>
    (
      extractor as unknown as {
        _apply(p: NotebookPanel, m: ExtractModel): Promise<void>;
      }
    )._apply(panel, extraction);
  return { apply, client, handBack, model };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

const sources = (model: NotebookModel) =>
  Array.from(model.cells, cell => cell.sharedModel.getSource());

describe('Undo of an extraction', () => {
  let info: jest.SpyInstance;
  let warning: jest.SpyInstance;

  beforeEach(() => {
    jest.spyOn(Notification, 'success').mockReturnValue('n');
    info = jest.spyOn(Notification, 'info').mockReturnValue('n');
    warning = jest.spyOn(Notification, 'warning').mockReturnValue('n');
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('replaces the code cells only: the markdown between them stays', async () => {
    const { apply, model } = setUp();
    await apply();
    expect(sources(model)).toEqual([
      'df = load()',
      APPLIED.replacement,
      '## notes'
    ]);
  });

  it('restores the module and hands the runs back, however the step is undone', async () => {
    const { apply, client, handBack, model } = setUp();
    await apply();
    model.sharedModel.undo(); // Z / Edit › Undo
    await settle();
    expect(sources(model)).toEqual([
      'df = load()',
      'X = df',
      '## notes',
      'X = X + 1'
    ]);
    expect(handBack).toHaveBeenCalledTimes(1);
    expect(client.restoreExtraction.mock.calls).toEqual([
      [
        {
          path: PATH,
          module: 'src/churn.py',
          source: null,
          expected_hash: 'abc',
          created: ['src', 'src/__init__.py']
        }
      ]
    ]);
    expect(info.mock.calls[0][0]).toBe(
      'Undone: the cells are back and src/churn.py was removed.'
    );
  });

  it('keeps a module that changed since, and says so', async () => {
    const { apply, client, model } = setUp();
    client.restoreExtraction.mockRejectedValue(
      Object.assign(
        new Error(
          'work/src/churn.py changed since the extraction: it was kept as it is'
        ),
        { status: 409 }
      )
    );
    await apply();
    model.sharedModel.undo();
    await settle();
    expect(warning.mock.calls[0][0]).toBe(
      'The cells are back; src/churn.py changed since the extraction, so it was kept.'
    );
  });

  it('restores once, even when undone, redone and undone again', async () => {
    const { apply, client, model } = setUp();
    await apply();
    model.sharedModel.undo();
    model.sharedModel.redo();
    model.sharedModel.undo();
    await settle();
    expect(client.restoreExtraction).toHaveBeenCalledTimes(1);
  });
});

describe('names in the dialog', () => {
  it.each([
    ['load_data', null],
    ['données', null],
    ['match', null],
    ['', 'empty'],
    ['1st', 'not-identifier'],
    ['load-data', 'not-identifier'],
    ['class', 'keyword']
  ])('%j -> %j', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('the module template: {section} from the server, {stem} from the notebook', () => {
    expect(modulePathFor('src/{section}.py', 'a/b.ipynb', 'src/data.py')).toBe(
      'src/data.py'
    );
    expect(
      modulePathFor(
        'lib/{stem}.py',
        'work/Big Messy-Notebook.ipynb',
        'src/x.py'
      )
    ).toBe('lib/big_messy_notebook.py');
    expect(modulePathFor('lib/helpers.py', 'a.ipynb', 'src/x.py')).toBe(
      'lib/helpers.py'
    );
  });
});
