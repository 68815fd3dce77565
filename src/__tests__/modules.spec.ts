import { Contents } from '@jupyterlab/services';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { nullTranslator } from '@jupyterlab/translation';

import { NbRefactorClient } from '../api';
import { IWatchedNotebook } from '../model';
import {
  addModuleCommands,
  changedPaths,
  ModuleWatcher,
  reloadableModules,
  reloadModule,
  serverPath
} from '../modules';
import { DEFAULT_SETTINGS } from '../settings';
import { CommandIDs, NbRefactorAPI } from '../tokens';
import { ExecutionTracker } from '../tracker';

jest.mock('../api');

const FEATURES: NbRefactorAPI.IModuleSnapshot = {
  'src/features.py': {
    module: 'src.features',
    defs: { engineer_features: 'aaa' },
    imports: []
  }
};

const moduleWarning: NbRefactorAPI.IWarning = {
  kind: 'stale',
  cell_id: 'b',
  names: ['engineer_features'],
  source_cell_id: null,
  certain: true,
  message:
    'src/features.py changed after this cell ran: the kernel still has the old `engineer_features`',
  module: 'src/features.py',
  reload_paths: ['src/features.py'],
  reload_code: 'reload()'
};

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await Promise.resolve();
  }
}

function setup(warnings: NbRefactorAPI.IWarning[] = [], modules = FEATURES) {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.analyze.mockResolvedValue({
    cells: {},
    warnings,
    modules,
    reproducible: warnings.length === 0,
    rerun: []
  });
  const tracker = new ExecutionTracker({
    client,
    cells: () => [
      {
        id: 'a',
        source: 'from src.features import engineer_features',
        cell_type: 'code'
      },
      { id: 'b', source: 'X = engineer_features(1)', cell_type: 'code' }
    ],
    settings: DEFAULT_SETTINGS,
    path: () => 'work/analysis.ipynb'
  });
  return { client, tracker };
}

/** A contents manager with a fileChanged signal and a `get` answering a time per path. */
function fakeContents(times: Map<string, string>) {
  const contents = {
    fileChanged: null as unknown as Signal<unknown, Contents.IChangedArgs>,
    get: jest.fn(async (path: string) => {
      const t = times.get(path);
      if (t === undefined) {
        throw new Error('404');
      }
      return { path, last_modified: t } as Contents.IModel;
    })
  };
  contents.fileChanged = new Signal<unknown, Contents.IChangedArgs>(contents);
  return contents;
}

describe('serverPath', () => {
  it('resolves a path relative to the notebook folder', () => {
    expect(serverPath('work/analysis.ipynb', 'src/features.py')).toBe(
      'work/src/features.py'
    );
    expect(serverPath('analysis.ipynb', 'src/features.py')).toBe(
      'src/features.py'
    );
    expect(serverPath('work/a/nb.ipynb', '../lib/x.py')).toBe('work/lib/x.py');
  });

  it('takes both paths of a rename', () => {
    expect(
      changedPaths({
        type: 'rename',
        oldValue: { path: 'a.py' },
        newValue: { path: 'b.py' }
      })
    ).toEqual(['a.py', 'b.py']);
  });
});

describe('ExecutionTracker and modules', () => {
  it('sends the notebook path, stamps runs with the last snapshot, records reloads', async () => {
    const { client, tracker } = setup();
    tracker.recordRun({
      cell_id: 'a',
      source: 'from src.features import engineer_features',
      execution_count: 1
    });
    await settle();
    expect(client.analyze.mock.calls[0][0].path).toBe('work/analysis.ipynb');
    // sent unstamped (nothing known yet), stamped by the answer
    expect(JSON.parse(client.analyze.mock.calls[0][1]!).runs[0].modules).toBe(
      undefined
    );
    expect(tracker.runs[0].modules).toEqual(FEATURES);
    expect(tracker.modules).toEqual(FEATURES);
    tracker.recordRun({
      cell_id: 'b',
      source: 'X = engineer_features(1)',
      execution_count: 2
    });
    await settle();
    expect(client.analyze.mock.calls[1][0].runs[1].modules).toEqual(FEATURES);
    tracker.recordReload(['src/features.py']);
    await settle();
    expect(client.analyze.mock.calls[2][0].reloads).toEqual([
      { after: 2, paths: ['src/features.py'], modules: FEATURES }
    ]);
  });

  it('stamps runs made before an answer knew their module with that answer (Run All, then an edit)', async () => {
    const { client, tracker } = setup([], {});
    tracker.recordRun(
      {
        cell_id: 'a',
        source: 'from src.features import engineer_features',
        execution_count: 1
      },
      true
    );
    tracker.recordRun(
      { cell_id: 'b', source: 'X = engineer_features(1)', execution_count: 2 },
      false
    );
    await settle();
    expect(tracker.runs.map(r => r.modules)).toEqual([undefined, undefined]);
    // the answer that first knows src/features.py stamps both runs
    client.analyze.mockResolvedValue({
      cells: {},
      warnings: [],
      modules: FEATURES,
      reproducible: true,
      rerun: []
    });
    tracker.modulesChanged();
    await settle();
    expect(tracker.runs.map(r => r.modules)).toEqual([FEATURES, FEATURES]);
    // a module a run's stamp lacks is added; what it has is kept; a gone file is no entry
    const older = {
      'src/features.py': {
        module: 'src.features',
        defs: { engineer_features: 'old' },
        imports: []
      }
    };
    tracker.recordRun({
      cell_id: 'b',
      source: 'import src.models',
      execution_count: 3,
      modules: older
    });
    const models = {
      module: 'src.models',
      defs: { train: 'ttt' },
      imports: []
    };
    client.analyze.mockResolvedValue({
      cells: {},
      warnings: [],
      modules: { ...FEATURES, 'src/models.py': models, 'src/gone.py': null },
      reproducible: true,
      rerun: []
    });
    await settle();
    expect(tracker.runs[2].modules).toEqual({
      ...older,
      'src/models.py': models
    });
  });

  it('analyses again when a module changed, even with the same request', async () => {
    const { client, tracker } = setup();
    tracker.recordRun({ cell_id: 'a', source: 'x', execution_count: 1 });
    await settle();
    expect(client.analyze).toHaveBeenCalledTimes(1);
    tracker.modulesChanged();
    await settle();
    expect(client.analyze).toHaveBeenCalledTimes(2);
  });

  it('forgets reloads with the kernel session', async () => {
    const { client, tracker } = setup();
    tracker.recordRun({ cell_id: 'a', source: 'x', execution_count: 1 });
    tracker.recordReload(['src/features.py']);
    tracker.clear();
    tracker.recordRun({ cell_id: 'a', source: 'x', execution_count: 1 });
    await settle();
    const last =
      client.analyze.mock.calls[client.analyze.mock.calls.length - 1];
    expect(last[0].reloads).toBeUndefined();
  });
});

describe('ModuleWatcher', () => {
  afterEach(() => jest.useRealTimers());

  it('tells the tracker at once when JupyterLab saves a watched module', async () => {
    const { tracker } = setup();
    tracker.recordRun({ cell_id: 'a', source: 'x', execution_count: 1 });
    await settle();
    const times = new Map([['work/src/features.py', 't1']]);
    const contents = fakeContents(times);
    const watcher = new ModuleWatcher({
      contents: contents as unknown as Contents.IManager,
      tracker,
      notebookPath: () => 'work/analysis.ipynb',
      pollMs: 60_000
    });
    expect(watcher.watched).toEqual(['work/src/features.py']);
    const changed = jest.spyOn(tracker, 'modulesChanged');
    contents.fileChanged.emit({
      type: 'save',
      oldValue: null,
      newValue: { path: 'work/src/other.py' }
    });
    expect(changed).not.toHaveBeenCalled();
    contents.fileChanged.emit({
      type: 'save',
      oldValue: null,
      newValue: { path: 'work/src/features.py', last_modified: 't2' }
    });
    expect(changed).toHaveBeenCalledTimes(1);
    watcher.dispose();
  });

  it('notices an external write (or a deletion) on the next poll', async () => {
    const { tracker } = setup();
    tracker.recordRun({ cell_id: 'a', source: 'x', execution_count: 1 });
    await settle();
    const times = new Map([['work/src/features.py', 't1']]);
    const contents = fakeContents(times);
    const watcher = new ModuleWatcher({
      contents: contents as unknown as Contents.IManager,
      tracker,
      notebookPath: () => 'work/analysis.ipynb',
      pollMs: 60_000
    });
    const changed = jest.spyOn(tracker, 'modulesChanged');
    await watcher.poll();
    await watcher.poll();
    expect(changed).not.toHaveBeenCalled();
    times.set('work/src/features.py', 't2');
    await watcher.poll();
    expect(changed).toHaveBeenCalledTimes(1);
    times.delete('work/src/features.py');
    await watcher.poll();
    expect(changed).toHaveBeenCalledTimes(2);
    watcher.dispose();
  });

  it('polls every pollMs while there are modules, and stops when disposed', async () => {
    jest.useFakeTimers();
    const { tracker } = setup();
    tracker.recordRun({ cell_id: 'a', source: 'x', execution_count: 1 });
    await settle();
    const contents = fakeContents(new Map([['work/src/features.py', 't1']]));
    const watcher = new ModuleWatcher({
      contents: contents as unknown as Contents.IManager,
      tracker,
      notebookPath: () => 'work/analysis.ipynb',
      pollMs: 1000
    });
    await settle(); // the first poll, at once
    const before = contents.get.mock.calls.length;
    jest.advanceTimersByTime(1000);
    expect(contents.get.mock.calls.length).toBeGreaterThan(before);
    watcher.dispose();
    const after = contents.get.mock.calls.length;
    jest.advanceTimersByTime(5000);
    expect(contents.get.mock.calls.length).toBe(after);
  });

  it('watches nothing without local modules', () => {
    const { tracker } = setup([], {});
    const contents = fakeContents(new Map());
    const watcher = new ModuleWatcher({
      contents: contents as unknown as Contents.IManager,
      tracker,
      notebookPath: () => 'analysis.ipynb'
    });
    expect(watcher.watched).toEqual([]);
    expect(contents.get).not.toHaveBeenCalled();
    watcher.dispose();
  });
});

describe('Reload Module', () => {
  function kernel(status: 'ok' | 'error') {
    return {
      requestExecute: jest.fn(() => ({
        done: Promise.resolve({ content: { status } })
      }))
    };
  }

  it('offers modules whose warning carries reload code', () => {
    const done = { ...moduleWarning, cell_id: 'c', reload_code: '' };
    expect([...reloadableModules([moduleWarning, done]).keys()]).toEqual([
      'src/features.py'
    ]);
    expect(reloadableModules([done]).size).toBe(0);
  });

  it('runs the reload code silently and records the reload', async () => {
    const { tracker } = setup();
    const k = kernel('ok');
    const recorded = jest.spyOn(tracker, 'recordReload');
    expect(await reloadModule(k as any, tracker, moduleWarning)).toBe(true);
    expect(k.requestExecute).toHaveBeenCalledWith(
      expect.objectContaining({
        code: 'reload()',
        silent: true,
        store_history: false
      })
    );
    expect(recorded).toHaveBeenCalledWith(['src/features.py']);
  });

  it('records nothing when the kernel fails', async () => {
    const { tracker } = setup();
    const recorded = jest.spyOn(tracker, 'recordReload');
    expect(
      await reloadModule(kernel('error') as any, tracker, moduleWarning)
    ).toBe(false);
    expect(await reloadModule(null, tracker, moduleWarning)).toBe(false);
    expect(recorded).not.toHaveBeenCalled();
  });

  it('is a command enabled for a module warning, labelled with the module', async () => {
    const { tracker } = setup([moduleWarning]);
    tracker.recordRun({ cell_id: 'a', source: 'x', execution_count: 1 });
    await settle();
    const commands = new CommandRegistry();
    const k = kernel('ok');
    const errors: string[] = [];
    addModuleCommands(commands, {
      current: () => ({ tracker }) as unknown as IWatchedNotebook,
      kernel: () => k as any,
      changed: new Signal<unknown, void>({}),
      trans: nullTranslator.load('jupyter_nbrefactor'),
      notifyError: m => errors.push(m)
    });
    const args = { module: 'src/features.py' };
    expect(commands.label(CommandIDs.reloadModule, args)).toBe(
      'Reload Module src/features.py'
    );
    expect(commands.isEnabled(CommandIDs.reloadModule, args)).toBe(true);
    expect(
      commands.isEnabled(CommandIDs.reloadModule, { module: 'src/other.py' })
    ).toBe(false);
    expect(await commands.execute(CommandIDs.reloadModule, args)).toBe(true);
    expect(errors).toEqual([]);
  });
});
