import { NbRefactorClient } from '../api';
import { DEFAULT_SETTINGS } from '../settings';
import { IProbeAnswer } from '../probe';
import { NbRefactorAPI } from '../tokens';
import { ExecutionTracker, runsFromHistory } from '../tracker';

jest.mock('../api');

type Cell = NbRefactorAPI.IAnalyzeCell;

const code = (id: string, source: string): Cell => ({
  id,
  source,
  cell_type: 'code'
});

const staleWarning: NbRefactorAPI.IWarning = {
  kind: 'stale',
  cell_id: 'b',
  names: ['x'],
  source_cell_id: 'a',
  certain: true,
  message: 'x was redefined by cell [3] after this cell ran'
};

function answer(
  warnings: NbRefactorAPI.IWarning[] = []
): NbRefactorAPI.IAnalyzeResponse {
  return {
    cells: {},
    warnings,
    reproducible: warnings.length === 0,
    rerun: []
  };
}

/** Let queued microtasks run: runs are analysed in one, probe answers arrive in others. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await Promise.resolve();
  }
}

function setup(
  options: {
    cells?: Cell[];
    probe?: (names: readonly string[]) => Promise<IProbeAnswer | null>;
    debounceMs?: number;
  } = {}
) {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.analyze.mockResolvedValue(answer());
  const notebook = {
    cells: options.cells ?? [code('a', 'x = 1'), code('b', 'y = x + 1')]
  };
  const tracker = new ExecutionTracker({
    client,
    cells: () => notebook.cells,
    probe: options.probe,
    settings: { ...DEFAULT_SETTINGS, debounceMs: options.debounceMs ?? 300 }
  });
  return { client, notebook, tracker };
}

describe('ExecutionTracker', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('gives the runs of replaced cells to the cell that replaces them', async () => {
    const { client, notebook, tracker } = setup({
      cells: [code('a', 'x = 1'), code('b', 'y = x + 1'), code('c', 'z = y')]
    });
    for (const [i, cell] of notebook.cells.entries()) {
      tracker.recordRun({
        cell_id: cell.id,
        source: cell.source,
        execution_count: i + 1,
        error: null
      });
    }
    await jest.advanceTimersByTimeAsync(0);
    const replacement = 'from src.m import f\nx, y = f()';
    notebook.cells = [code('n', replacement), code('c', 'z = y')];

    tracker.recordReplacement('n', ['a', 'b'], replacement);
    await jest.advanceTimersByTimeAsync(0);

    expect(tracker.runs).toEqual([
      { cell_id: 'n', source: replacement, execution_count: 1, error: null },
      { cell_id: 'n', source: replacement, execution_count: 2, error: null },
      { cell_id: 'c', source: 'z = y', execution_count: 3, error: null }
    ]);
    expect(client.analyze).toHaveBeenCalledTimes(2);
    expect(client.analyze.mock.calls[1][0].runs).toEqual(tracker.runs);
  });

  it('hands the runs back to the restored cells when the replacement is undone', async () => {
    const cells = [
      code('a', 'x = 1'),
      code('b', 'y = x + 1'),
      code('c', 'z = y')
    ];
    const { notebook, tracker } = setup({ cells });
    for (const [i, cell] of notebook.cells.entries()) {
      tracker.recordRun({
        cell_id: cell.id,
        source: cell.source,
        execution_count: i + 1,
        error: i === 1 ? 'NameError' : null
      });
    }
    const before = [...tracker.runs];
    const replacement = 'from src.m import f\nx, y = f()';
    notebook.cells = [code('n', replacement), code('c', 'z = y')];
    const undo = tracker.recordReplacement('n', ['a', 'b'], replacement);
    tracker.recordRun({
      cell_id: 'n',
      source: replacement,
      execution_count: 4,
      error: null
    });
    notebook.cells = cells;

    undo();
    await jest.advanceTimersByTimeAsync(0);

    expect(tracker.runs).toEqual([
      ...before,
      { cell_id: 'n', source: replacement, execution_count: 4, error: null }
    ]);
  });

  it('ignores a replacement of cells that never ran', async () => {
    const { client, tracker } = setup();
    tracker.recordRun({
      cell_id: 'a',
      source: 'x = 1',
      execution_count: 1,
      error: null
    });
    await jest.advanceTimersByTimeAsync(0);

    tracker.recordReplacement('n', ['b'], 'y = 2');
    await jest.advanceTimersByTimeAsync(0);

    expect(tracker.runs.map(run => run.cell_id)).toEqual(['a']);
    expect(client.analyze).toHaveBeenCalledTimes(1);
  });

  it('analyses a run at once with the notebook and the log', async () => {
    const { client, tracker } = setup();
    client.analyze.mockResolvedValue(answer([staleWarning]));

    tracker.recordRun({
      cell_id: 'a',
      source: 'x = 1',
      execution_count: 1,
      error: null
    });
    await jest.advanceTimersByTimeAsync(0);

    expect(client.analyze).toHaveBeenCalledTimes(1);
    expect(client.analyze.mock.calls[0][1]).toBe(
      JSON.stringify(client.analyze.mock.calls[0][0])
    );
    expect(client.analyze.mock.calls[0][0]).toEqual({
      cells: [code('a', 'x = 1'), code('b', 'y = x + 1')],
      runs: [
        { cell_id: 'a', source: 'x = 1', execution_count: 1, error: null }
      ],
      kernel_names: null
    });
    expect(tracker.warnings).toEqual([staleWarning]);
    expect(tracker.analyzing).toBe(false);
  });

  it('sends one request for a burst of runs', async () => {
    const { client, tracker } = setup();

    for (let n = 1; n <= 3; n++) {
      tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: n });
    }
    await jest.advanceTimersByTimeAsync(0);

    expect(client.analyze).toHaveBeenCalledTimes(1);
    expect(
      client.analyze.mock.calls[0][0].runs.map(r => r.execution_count)
    ).toEqual([1, 2, 3]);
  });

  it('waits for the last run of a queue (Run All), or for runs to pause', async () => {
    const { client, tracker } = setup({ debounceMs: 300 });
    const run = (n: number, more: boolean) =>
      tracker.recordRun(
        { cell_id: 'a', source: 'x = 1', execution_count: n, error: null },
        more
      );

    run(1, true);
    await jest.advanceTimersByTimeAsync(200);
    run(2, true);
    await jest.advanceTimersByTimeAsync(200);
    expect(client.analyze).not.toHaveBeenCalled();
    run(3, false); // the queue is empty: at once
    await jest.advanceTimersByTimeAsync(0);
    expect(client.analyze).toHaveBeenCalledTimes(1);
    expect(
      client.analyze.mock.calls[0][0].runs.map(r => r.execution_count)
    ).toEqual([1, 2, 3]);

    // A slow queue still updates live: once runs pause for debounceMs.
    run(4, true);
    await jest.advanceTimersByTimeAsync(299);
    expect(client.analyze).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(client.analyze).toHaveBeenCalledTimes(2);
  });

  it('queues a run that comes while a request is in flight, then sends it', async () => {
    const { client, tracker } = setup();
    let release: (value: NbRefactorAPI.IAnalyzeResponse) => void = () => {};
    client.analyze.mockImplementationOnce(
      () => new Promise(resolve => (release = resolve))
    );

    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);
    tracker.recordRun({
      cell_id: 'b',
      source: 'y = x + 1',
      execution_count: 2
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(client.analyze).toHaveBeenCalledTimes(1);

    release(answer());
    await jest.advanceTimersByTimeAsync(0);

    expect(client.analyze).toHaveBeenCalledTimes(2);
    expect(client.analyze.mock.calls[1][0].runs).toHaveLength(2);
  });

  it('waits for edits to pause, then analyses once', async () => {
    const { client, notebook, tracker } = setup({ debounceMs: 300 });
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);
    client.analyze.mockClear();

    notebook.cells = [code('a', 'x = 2'), code('b', 'y = x + 1')];
    tracker.notebookChanged();
    await jest.advanceTimersByTimeAsync(200);
    tracker.notebookChanged();
    await jest.advanceTimersByTimeAsync(200);
    expect(client.analyze).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(100);
    expect(client.analyze).toHaveBeenCalledTimes(1);
    expect(client.analyze.mock.calls[0][0].cells[0].source).toBe('x = 2');
  });

  it('does not ask again when nothing the analysis uses changed', async () => {
    const { client, tracker } = setup();
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);

    tracker.notebookChanged(); // e.g. an output or a selection changed
    await jest.advanceTimersByTimeAsync(1000);

    expect(client.analyze).toHaveBeenCalledTimes(1);
  });

  it('analyses the notebook without a deleted cell, the log still naming it', async () => {
    const { client, notebook, tracker } = setup();
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);

    notebook.cells = [code('b', 'y = x + 1')];
    tracker.notebookChanged();
    await jest.advanceTimersByTimeAsync(300);

    const request = client.analyze.mock.calls[1][0];
    expect(request.cells.map(c => c.id)).toEqual(['b']);
    expect(request.runs.map(r => r.cell_id)).toEqual(['a']);
  });

  it('keeps the last good result when an analysis fails', async () => {
    const { client, tracker } = setup();
    client.analyze.mockResolvedValueOnce(answer([staleWarning]));
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);

    client.analyze.mockRejectedValueOnce(new Error('server unreachable'));
    tracker.recordRun({
      cell_id: 'b',
      source: 'y = x + 1',
      execution_count: 2
    });
    await jest.advanceTimersByTimeAsync(0);

    expect(tracker.error).toBe('server unreachable');
    expect(tracker.warnings).toEqual([staleWarning]);

    tracker.recordRun({
      cell_id: 'b',
      source: 'y = x + 1',
      execution_count: 3
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(tracker.error).toBeNull();
    expect(tracker.warnings).toEqual([]);
  });

  it('starts over on a kernel restart and drops a reply that arrives after it', async () => {
    const { client, tracker } = setup();
    let release: (value: NbRefactorAPI.IAnalyzeResponse) => void = () => {};
    client.analyze.mockImplementationOnce(
      () => new Promise(resolve => (release = resolve))
    );
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);

    tracker.clear();
    release(answer([staleWarning]));
    await jest.advanceTimersByTimeAsync(0);

    expect(tracker.runs).toEqual([]);
    expect(tracker.result).toBeNull();
    expect(tracker.warnings).toEqual([]);
    expect(client.analyze).toHaveBeenCalledTimes(1);
  });

  it('does not call the server before anything ran', async () => {
    const { client, tracker } = setup();
    tracker.notebookChanged();
    await tracker.analyzeNow();
    await jest.advanceTimersByTimeAsync(1000);
    expect(client.analyze).not.toHaveBeenCalled();
  });

  it('sends the namespace names, probed once per state of the log', async () => {
    const probe = jest.fn(async () => ({
      names: ['x', 'y'],
      fingerprints: null
    }));
    const { client, notebook, tracker } = setup({ probe });
    tracker.setLanguage('python');
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await settle();

    // The run is analysed at once; the probe's answer brings a second pass.
    expect(client.analyze.mock.calls.map(c => c[0].kernel_names)).toEqual([
      null,
      ['x', 'y']
    ]);

    notebook.cells = [code('a', 'x = 5'), code('b', 'y = x + 1')];
    tracker.notebookChanged();
    await jest.advanceTimersByTimeAsync(300);

    expect(client.analyze).toHaveBeenCalledTimes(3);
    expect(client.analyze.mock.calls[2][0]).toMatchObject({
      kernel_names: ['x', 'y'],
      language: 'python'
    });
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it('does not wait for a slow probe, and sends one probe at a time', async () => {
    const probe = jest.fn(() => new Promise<IProbeAnswer | null>(() => {}));
    const { client, tracker } = setup({ probe });
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 2 });
    await jest.advanceTimersByTimeAsync(0);

    expect(client.analyze).toHaveBeenCalledTimes(2);
    expect(client.analyze.mock.calls[1][0].kernel_names).toBeNull();
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it("fingerprints what the last run's cell binds and sends them with that run", async () => {
    const probe = jest.fn(async (names: readonly string[]) => ({
      names: ['x', 'y'],
      fingerprints: names.length > 0 ? { x: '3f2a0c' } : null
    }));
    const { client, tracker } = setup({ probe });
    client.analyze.mockResolvedValue({
      cells: {
        a: {
          defines: ['x'],
          reads: [],
          mutates: ['lst["k"]'],
          imports: [],
          error: null
        }
      },
      warnings: [],
      reproducible: true,
      rerun: []
    });
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await settle();
    // Before the first analysis nothing is known about cell a.
    expect(probe.mock.calls).toEqual([[[]]]);

    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 2 });
    await settle();

    expect(probe.mock.calls).toEqual([[[]], [['x', 'lst']]]);
    expect(tracker.runs).toEqual([
      { cell_id: 'a', source: 'x = 1', execution_count: 1 },
      {
        cell_id: 'a',
        source: 'x = 1',
        execution_count: 2,
        fingerprints: { x: '3f2a0c' }
      }
    ]);
    // One analysis for the run, one more once its fingerprints arrived.
    const sent = client.analyze.mock.calls.map(c => c[0].runs);
    expect(sent).toHaveLength(4);
    expect(sent[2][1].fingerprints).toBeUndefined();
    expect(sent[3][1].fingerprints).toEqual({ x: '3f2a0c' });
    // Attaching them is not a new state of the log: no probe for it.
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('drops fingerprints that arrive after another run', async () => {
    const answers: Array<(answer: IProbeAnswer) => void> = [];
    const probe = jest.fn(
      () => new Promise<IProbeAnswer | null>(resolve => answers.push(resolve))
    );
    const { client, tracker } = setup({ probe });
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await settle();
    tracker.recordRun({
      cell_id: 'b',
      source: 'y = x + 1',
      execution_count: 2
    });
    await settle();

    answers[0]({ names: ['x'], fingerprints: { x: '3f2a0c' } });
    await settle();

    expect(tracker.runs.map(run => run.fingerprints)).toEqual([
      undefined,
      undefined
    ]);
    // The names still count, and the new state of the log gets its own probe.
    expect(client.analyze.mock.calls.slice(-1)[0][0].kernel_names).toEqual([
      'x'
    ]);
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('does not analyse again for fingerprints that are empty', async () => {
    const probe = jest.fn(async () => ({ names: null, fingerprints: {} }));
    const { client, tracker } = setup({ probe });
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await settle();

    expect(tracker.runs[0].fingerprints).toBeUndefined();
    expect(client.analyze).toHaveBeenCalledTimes(1);
  });

  it('sends no names when the probe is switched off', async () => {
    const probe = jest.fn(async () => ({ names: ['x'], fingerprints: null }));
    const { client, tracker } = setup({ probe });
    tracker.setSettings({ ...DEFAULT_SETTINGS, namespaceProbe: false });
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);

    expect(probe).not.toHaveBeenCalled();
    expect(client.analyze.mock.calls[0][0].kernel_names).toBeNull();
  });

  it('shows no warnings, only the notice, for other languages', async () => {
    const probe = jest.fn(async () => ({ names: ['x'], fingerprints: null }));
    const { client, tracker } = setup({ probe });
    client.analyze.mockResolvedValue({
      cells: {},
      warnings: [],
      notice: 'No analysis for R kernels: only Python is understood.',
      reproducible: true,
      rerun: []
    });
    tracker.setLanguage('R');
    tracker.recordRun({ cell_id: 'a', source: 'x <- 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);

    expect(probe).not.toHaveBeenCalled();
    expect(client.analyze.mock.calls[0][0].language).toBe('R');
    expect(tracker.notice).toMatch(/only Python/);
    expect(tracker.warnings).toEqual([]);
  });

  it('shows only the warning kinds the settings keep', async () => {
    const { client, tracker } = setup();
    const edited: NbRefactorAPI.IWarning = {
      ...staleWarning,
      kind: 'edited',
      names: [],
      message: 'This cell was edited after it ran as [2].'
    };
    client.analyze.mockResolvedValue(answer([staleWarning, edited]));
    tracker.recordRun({ cell_id: 'a', source: 'x = 1', execution_count: 1 });
    await jest.advanceTimersByTimeAsync(0);

    tracker.setSettings({
      ...DEFAULT_SETTINGS,
      warningKinds: { ...DEFAULT_SETTINGS.warningKinds, stale: false }
    });

    expect(tracker.warnings).toEqual([edited]);
  });

  it('merges runs rebuilt from history before the runs seen live', async () => {
    const { client, tracker } = setup();
    tracker.recordRun({
      cell_id: 'b',
      source: 'y = x + 1',
      execution_count: 3
    });
    tracker.addHistory([
      { cell_id: 'a', source: 'x = 1', execution_count: 1, error: null },
      {
        cell_id: 'history:2',
        source: 'z = 0',
        execution_count: 2,
        error: null
      },
      { cell_id: 'b', source: 'y = x + 1', execution_count: 3, error: null }
    ]);
    await jest.advanceTimersByTimeAsync(0);

    expect(tracker.runs.map(r => [r.cell_id, r.execution_count])).toEqual([
      ['a', 1],
      ['history:2', 2],
      ['b', 3]
    ]);
    expect(client.analyze).toHaveBeenCalledTimes(1);
  });
});

describe('runsFromHistory', () => {
  const cells = [
    { id: 'load', source: 'df = load()\n', execution_count: 1, error: null },
    { id: 'show', source: 'df.head()', execution_count: 4, error: null },
    {
      id: 'fit',
      source: 'model = fit(df)',
      execution_count: 3,
      error: 'ValueError'
    }
  ];

  it('matches entries to cells by execution count and source', () => {
    expect(
      runsFromHistory(
        [
          [0, 1, 'df = load()'],
          [0, 3, 'model = fit(df)']
        ],
        cells
      )
    ).toEqual([
      {
        cell_id: 'load',
        source: 'df = load()',
        execution_count: 1,
        error: null
      },
      {
        cell_id: 'fit',
        source: 'model = fit(df)',
        execution_count: 3,
        error: 'ValueError'
      }
    ]);
  });

  it('gives an earlier run of the same code to the cell that holds it', () => {
    expect(runsFromHistory([[0, 2, 'df.head()']], cells)[0]).toEqual({
      cell_id: 'show',
      source: 'df.head()',
      execution_count: 2,
      error: null
    });
  });

  it('gives an entry whose code changed since to the cell showing its count', () => {
    expect(runsFromHistory([[0, 4, 'df.tail()']], cells)[0].cell_id).toBe(
      'show'
    );
  });

  it('marks code no cell holds as hidden state', () => {
    expect(runsFromHistory([[0, 5, 'secret = 42']], cells)[0]).toEqual({
      cell_id: 'history:5',
      source: 'secret = 42',
      execution_count: 5,
      error: null
    });
  });
});
