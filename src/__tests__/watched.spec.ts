import { NotebookActions } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';

import { NbRefactorClient } from '../api';
import { fingerprintExpression, NAMES_EXPRESSION } from '../probe';
import { SettingsModel } from '../settings';
import { WatchedNotebook } from '../watched';

jest.mock('../api');

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await Promise.resolve();
  }
}

/** The parts of a NotebookPanel and its kernel connection WatchedNotebook uses. */
function setup(options: { probe?: boolean } = {}) {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.analyze.mockResolvedValue({
    cells: {},
    warnings: [],
    reproducible: true,
    rerun: []
  });
  const kernel = {
    id: 'k1',
    anyMessage: new Signal<any, any>({}),
    info: Promise.resolve({ language_info: { name: 'python' } }),
    requestHistory: jest.fn().mockResolvedValue({
      content: { status: 'ok', history: [] }
    }),
    requestExecute: jest.fn()
  };
  const cellModel = {
    id: 'a',
    type: 'code',
    executionCount: null as number | null,
    outputs: { toJSON: () => [] },
    sharedModel: { getSource: () => 'x = 1' }
  };
  const content = {
    modelContentChanged: new Signal<any, void>({}),
    model: { cells: [cellModel] },
    widgets: [] as any[],
    activeCell: null as any
  };
  const panel = {
    content,
    title: { label: 'n.ipynb', changed: new Signal<any, void>({}) },
    disposed: new Signal<any, void>({}),
    sessionContext: {
      session: { kernel },
      kernelChanged: new Signal<any, void>({}),
      statusChanged: new Signal<any, string>({}),
      ready: Promise.resolve(),
      kernelDisplayName: 'Python 3'
    }
  };
  const settings = new SettingsModel();
  settings.update({ ...settings.value, namespaceProbe: !!options.probe });
  const watched = new WatchedNotebook(panel as any, { client, settings });
  const scheduled = NotebookActions.executionScheduled as Signal<any, any>;
  const executed = NotebookActions.executed as Signal<any, any>;
  /** JupyterLab's order: scheduled, request sent, reply received, then `executed`. */
  const send = (msgId: string) => {
    scheduled.emit({ notebook: content, cell: { model: cellModel } });
    kernel.anyMessage.emit({
      direction: 'send',
      msg: {
        header: { msg_id: msgId, msg_type: 'execute_request' },
        metadata: { cellId: 'a' },
        content: { code: 'x = 1', silent: false }
      }
    });
  };
  const reply = (msgId: string, content: Record<string, unknown>) =>
    kernel.anyMessage.emit({
      direction: 'recv',
      msg: {
        header: { msg_id: `${msgId}-reply`, msg_type: 'execute_reply' },
        parent_header: { msg_id: msgId },
        channel: 'shell',
        metadata: {},
        content
      }
    });
  const run = (msgId: string, content: Record<string, unknown>) => {
    send(msgId);
    reply(msgId, content);
  };
  const finish = (success: boolean) =>
    executed.emit({ notebook: content, cell: { model: cellModel }, success });
  return {
    client,
    kernel,
    content,
    panel,
    watched,
    cellModel,
    send,
    reply,
    run,
    finish
  };
}

describe('WatchedNotebook', () => {
  it('records a run when its execute_reply arrives, before executed', async () => {
    const { client, watched, cellModel, run, finish } = setup();
    await settle();

    run('m1', { status: 'ok', execution_count: 1 });
    expect(watched.tracker.runs).toEqual([
      { cell_id: 'a', source: 'x = 1', execution_count: 1, error: null }
    ]);
    await settle();
    expect(client.analyze).toHaveBeenCalledTimes(1);

    // JupyterLab's `executed` for the same run adds nothing.
    cellModel.executionCount = 1;
    finish(true);
    expect(watched.tracker.runs).toHaveLength(1);
    watched.dispose();
  });

  it('analyses a queue of runs (Run All) once, at its last reply', async () => {
    const { client, watched, send, reply } = setup();
    await settle();

    send('m1');
    send('m2');
    send('m3');
    reply('m1', { status: 'ok', execution_count: 1 });
    reply('m2', { status: 'ok', execution_count: 2 });
    await settle();
    expect(watched.tracker.runs).toHaveLength(2);
    expect(client.analyze).not.toHaveBeenCalled();

    reply('m3', { status: 'ok', execution_count: 3 });
    await settle();
    expect(client.analyze).toHaveBeenCalledTimes(1);
    expect(client.analyze.mock.calls[0][0].runs).toHaveLength(3);
    watched.dispose();
  });

  it('records a cell run twice once per reply', async () => {
    const { watched, cellModel, run, finish } = setup();
    await settle();

    run('m1', { status: 'ok', execution_count: 1 });
    run('m2', { status: 'ok', execution_count: 2 });
    // Both `executed` signals may see the cell's last count.
    cellModel.executionCount = 2;
    finish(true);
    finish(true);
    expect(watched.tracker.runs.map(r => r.execution_count)).toEqual([1, 2]);
    watched.dispose();
  });

  it('records the error name of a failed run from its reply', async () => {
    const { watched, cellModel, run, finish } = setup();
    await settle();

    run('m1', {
      status: 'error',
      execution_count: 4,
      ename: 'NameError',
      evalue: "name 'y' is not defined",
      traceback: []
    });
    cellModel.executionCount = 4;
    finish(false);
    expect(watched.tracker.runs).toEqual([
      { cell_id: 'a', source: 'x = 1', execution_count: 4, error: 'NameError' }
    ]);
    watched.dispose();
  });

  it('records nothing for an aborted request', async () => {
    const { watched, run, finish } = setup();
    await settle();

    run('m1', { status: 'aborted' });
    finish(false);
    expect(watched.tracker.runs).toEqual([]);
    watched.dispose();
  });

  it('falls back to executed when it saw no reply', async () => {
    const { watched, cellModel, finish } = setup();
    await settle();

    cellModel.executionCount = 2;
    finish(true);
    expect(watched.tracker.runs).toEqual([
      { cell_id: 'a', source: 'x = 1', execution_count: 2, error: null }
    ]);
    watched.dispose();
  });

  it('probes names, and the fingerprints of what the last run bound once its facts are known', async () => {
    const { client, kernel, watched, run } = setup({ probe: true });
    const answer = (expressions: { [key: string]: string }) => ({
      done: Promise.resolve({
        content: {
          status: 'ok',
          user_expressions: {
            names: { status: 'ok', data: { 'text/plain': "'x'" } },
            ...(expressions.fingerprints
              ? {
                  fingerprints: {
                    status: 'ok',
                    data: { 'text/plain': "{'x': 'b68c45ab24fd59d5'}" }
                  }
                }
              : {})
          }
        }
      })
    });
    kernel.requestExecute.mockImplementation((request: any) =>
      answer(request.user_expressions)
    );
    client.analyze.mockResolvedValue({
      cells: {
        a: { defines: ['x'], reads: [], mutates: [], imports: [], error: null }
      },
      warnings: [],
      reproducible: true,
      rerun: []
    });
    await settle();

    run('m1', { status: 'ok', execution_count: 1 });
    await settle();
    expect(kernel.requestExecute.mock.calls[0][0]).toEqual({
      code: '',
      silent: true,
      store_history: false,
      user_expressions: { names: NAMES_EXPRESSION },
      allow_stdin: false,
      stop_on_error: false
    });

    run('m2', { status: 'ok', execution_count: 2 });
    await settle();
    expect(kernel.requestExecute).toHaveBeenCalledTimes(2);
    expect(kernel.requestExecute.mock.calls[1][0].user_expressions).toEqual({
      names: NAMES_EXPRESSION,
      fingerprints: fingerprintExpression(['x'])
    });
    const last = client.analyze.mock.calls.slice(-1)[0][0];
    expect(last.kernel_names).toEqual(['x']);
    expect(last.runs[1]).toEqual({
      cell_id: 'a',
      source: 'x = 1',
      execution_count: 2,
      error: null,
      fingerprints: { x: 'b68c45ab24fd59d5' }
    });
    watched.dispose();
  });

  it('runs cells one by one, skipping gone ones, and stops at the first failure', async () => {
    const { content, watched } = setup();
    const widget = (id: string, type = 'code') => ({ model: { id, type } });
    content.widgets = [
      widget('b'),
      widget('md', 'markdown'),
      widget('c'),
      widget('d')
    ];
    const ran: string[] = [];
    const runCells = jest
      .spyOn(NotebookActions, 'runCells')
      .mockImplementation(async (_notebook, cells) => {
        ran.push(cells.map(cell => cell.model.id).join());
        return cells[0].model.id !== 'c';
      });
    try {
      expect(await watched.runCells(['b', 'gone', 'md', 'c', 'd'])).toBe(false);
      expect(ran).toEqual(['b', 'c']);
      expect(runCells.mock.calls[0][0]).toBe(content);
    } finally {
      runCells.mockRestore();
      watched.dispose();
    }
  });

  it('runs one sequence at a time', async () => {
    const { content, watched } = setup();
    content.widgets = [{ model: { id: 'b', type: 'code' } }];
    let finish: (ok: boolean) => void = () => undefined;
    const runCells = jest
      .spyOn(NotebookActions, 'runCells')
      .mockImplementation(
        () => new Promise<boolean>(resolve => (finish = resolve))
      );
    try {
      const first = watched.runCells(['b']);
      await settle();
      expect(await watched.runCells(['b'])).toBe(false);
      finish(true);
      expect(await first).toBe(true);
      expect(runCells).toHaveBeenCalledTimes(1);
    } finally {
      runCells.mockRestore();
      watched.dispose();
    }
  });
});
