import { Notification } from '@jupyterlab/apputils';
import { NotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import { Contents } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { NbRefactorClient } from '../api';
import { Extractor } from '../extract/extractor';
import { ExtractModel } from '../extract/model';
import { DEFAULT_EXTRACT_SETTINGS } from '../extract/settings';
import { CommandIDs, NbRefactorAPI } from '../tokens';
import { IVerifyRecord } from '../verify';
import { verifyResult } from './verify-fixtures';

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
  kernel_code: null
};

function setUp(options: {
  verifyAfterExtract?: boolean;
  record?: IVerifyRecord | null;
}) {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.applyExtraction.mockResolvedValue(APPLIED);
  const commands = new CommandRegistry();
  const check = jest.fn(async () => options.record ?? null);
  commands.addCommand(CommandIDs.checkReproducibility, { execute: check });
  const extractor = new Extractor({
    client,
    commands,
    contents: {} as Contents.IManager,
    trans,
    settings: () => ({
      ...DEFAULT_EXTRACT_SETTINGS,
      verifyAfterExtract: options.verifyAfterExtract ?? false
    }),
    highlight: null
  });
  const model = new NotebookModel();
  model.sharedModel.insertCells(0, [
    { cell_type: 'code', source: 'df = load()', metadata: {} },
    { cell_type: 'code', source: 'X = df', metadata: {} }
  ]);
  const save = jest.fn(async () => undefined);
  const panel = {
    content: {
      model,
      mode: 'command',
      activeCellIndex: 0,
      deselectAll: () => undefined,
      activate: () => undefined
    },
    context: {
      isReady: true,
      path: PATH,
      localPath: PATH,
      contentsModel: {},
      save
    },
    sessionContext: { session: null }
  } as unknown as NotebookPanel;
  const extraction = {
    applyRequest: () => ({}) as NbRefactorAPI.IApplyRequest,
    cells: [1],
    mode: 'function',
    name: 'features'
  } as unknown as ExtractModel;
  const apply = () =>
    (
      extractor as unknown as {
        _apply(p: NotebookPanel, m: ExtractModel): Promise<void>;
      }
    )._apply(panel, extraction);
  // The notebook before the extraction, as Verify must send it.
  const original = model.toJSON();
  return { apply, check, save, panel, original };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

describe('Verify after an extraction', () => {
  let success: jest.SpyInstance;
  let error: jest.SpyInstance;
  let warning: jest.SpyInstance;

  beforeEach(() => {
    success = jest.spyOn(Notification, 'success').mockReturnValue('n');
    error = jest.spyOn(Notification, 'error').mockReturnValue('n');
    warning = jest.spyOn(Notification, 'warning').mockReturnValue('n');
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  function actionsOf(spy: jest.SpyInstance, call = 0): Notification.IAction[] {
    return spy.mock.calls[call][1].actions;
  }

  it('offers Verify in the notification; it saves the notebook and checks it', async () => {
    const record: IVerifyRecord = {
      path: PATH,
      against: 'the notebook before the extraction',
      result: verifyResult({ totals: { same: 2 } }),
      checkedAt: 0,
      version: null
    };
    const { apply, check, save, original } = setUp({ record });
    await apply();
    expect(success.mock.calls[0][0]).toBe(
      'Moved 1 cell into src/churn.py, function features. Check it: Verify, or Restart & Run All.'
    );
    expect(actionsOf(success).map(a => a.label)).toEqual([
      'Open module',
      'Verify',
      'Undo'
    ]);
    expect(check).not.toHaveBeenCalled();

    actionsOf(success)[1].callback(new MouseEvent('click'));
    await settle();
    expect(save).toHaveBeenCalledTimes(1);
    expect(check.mock.calls).toEqual([
      [
        {
          path: PATH,
          against: 'the notebook before the extraction',
          againstNotebook: original
        }
      ]
    ]);
    // The cells as they were: the replaced one is in it, the replacement is not.
    expect((original.cells as { source: string }[]).map(c => c.source)).toEqual(
      ['df = load()', 'X = df']
    );
    expect(save.mock.invocationCallOrder[0]).toBeLessThan(
      check.mock.invocationCallOrder[0]
    );
    expect(success.mock.calls[1]).toEqual([
      'Verified against the notebook before the extraction: The refactored notebook reproduces all 2 outputs of the original.',
      { autoClose: 10000 }
    ]);
  });

  it('offers Undo when the verification finds differences', async () => {
    const record: IVerifyRecord = {
      path: PATH,
      against: 'the notebook before the extraction',
      result: verifyResult({
        verdict: 'changed',
        cells: [{ index: 1, id: 'b', status: 'changed', diff: '-1\n+2' }],
        totals: { same: 1, changed: 1 }
      }),
      checkedAt: 0,
      version: null
    };
    const { apply } = setUp({ record });
    await apply();
    const undo = actionsOf(success)[2];
    actionsOf(success)[1].callback(new MouseEvent('click'));
    await settle();
    expect(error.mock.calls).toEqual([
      [
        'Verification against the notebook before the extraction: Cell 2 differs from the original.',
        { autoClose: false, actions: [undo] }
      ]
    ]);
  });

  it('says so when the check did not finish', async () => {
    const { apply } = setUp({ record: null });
    await apply();
    actionsOf(success)[1].callback(new MouseEvent('click'));
    await settle();
    expect(warning.mock.calls).toEqual([
      ['The verification did not finish: the Notebook refactor panel says why.']
    ]);
  });

  it('verifies at once with verifyAfterExtract, and then offers no Verify', async () => {
    const record: IVerifyRecord = {
      path: PATH,
      against: 'the notebook before the extraction',
      result: verifyResult({ totals: { same: 2 } }),
      checkedAt: 0,
      version: null
    };
    const { apply, check, save, original } = setUp({
      verifyAfterExtract: true,
      record
    });
    await apply();
    await settle();
    expect(actionsOf(success).map(a => a.label)).toEqual([
      'Open module',
      'Undo'
    ]);
    expect(save).toHaveBeenCalledTimes(1);
    expect(check.mock.calls).toEqual([
      [
        {
          path: PATH,
          against: 'the notebook before the extraction',
          againstNotebook: original
        }
      ]
    ]);
    expect(success.mock.calls[1][0]).toBe(
      'Verified against the notebook before the extraction: The refactored notebook reproduces all 2 outputs of the original.'
    );
  });
});
