import { NotebookActions } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';

import { NbRefactorClient } from '../api';
import { SettingsModel } from '../settings';
import { WatchedNotebook } from '../watched';

jest.mock('../api');

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await Promise.resolve();
  }
}

/** The parts of a NotebookPanel and its kernel connection WatchedNotebook uses. */
function setup() {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.analyze.mockResolvedValue({ cells: {}, warnings: [] });
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
    model: { cells: [cellModel] }
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
  settings.update({ ...settings.value, namespaceProbe: false });
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
  return { client, watched, cellModel, send, reply, run, finish };
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
});
