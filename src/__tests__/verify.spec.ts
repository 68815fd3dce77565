import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';

import { NbRefactorClient } from '../api';
import { addPanelCommands } from '../commands';
import { CommandIDs, NbRefactorAPI } from '../tokens';
import { VerifyModel } from '../verify';
import { FakeSource, verifyResult } from './verify-fixtures';

jest.mock('../api');

const { NbRefactorError } = jest.requireActual('../api');

const trans = nullTranslator.load('jupyter_nbrefactor');

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function job(
  state: NbRefactorAPI.VerifyState,
  progress: Partial<NbRefactorAPI.IVerifyProgress> = {},
  result: NbRefactorAPI.IVerifyResult | null = null,
  message: string | null = null
): NbRefactorAPI.IVerifyJob {
  return {
    job: 'j1',
    state,
    progress: { run: 'notebook', cell: 0, of: 2, seconds: 0, ...progress },
    result,
    message
  };
}

function setUp(source: FakeSource | null = new FakeSource()) {
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.startVerify.mockResolvedValue({ job: 'j1' });
  const model = new VerifyModel({
    client,
    pollMs: 500,
    timeout: () => 60,
    now: () => NOW
  });
  model.setSource(source);
  return { client, model, source };
}

/**
 * A check against a notebook sent in the request: after the first poll it
 * answers `path` checked against `label`, and the server was sent the notebook.
 */
async function expectStartedAgainst(
  started: Promise<unknown>,
  client: Pick<jest.Mocked<NbRefactorClient>, 'startVerify'>,
  path: string,
  label: string,
  original: unknown
): Promise<void> {
  await jest.advanceTimersByTimeAsync(500);
  expect(await started).toMatchObject({ path, against: label });
  expect(client.startVerify.mock.calls).toEqual([
    [{ path, against_notebook: original, timeout: 60 }]
  ]);
}

describe('VerifyModel', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('starts a check of the saved notebook and polls it every 500 ms until it is done', async () => {
    const { client, model } = setUp();
    const result = verifyResult();
    client.verifyStatus
      .mockResolvedValueOnce(job('running', { cell: 1, seconds: 0.6 }))
      .mockResolvedValueOnce(job('running', { cell: 2, seconds: 1.1 }))
      .mockResolvedValueOnce(job('done', { cell: 2, seconds: 1.5 }, result));

    const checked = model.checkSource();
    await jest.advanceTimersByTimeAsync(0);
    expect(client.startVerify.mock.calls).toEqual([
      [{ path: 'work/churn.ipynb', timeout: 60 }]
    ]);
    expect(model.entry().run).toMatchObject({ job: 'j1', progress: null });

    await jest.advanceTimersByTimeAsync(499);
    expect(client.verifyStatus).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(client.verifyStatus.mock.calls).toEqual([['j1']]);
    expect(model.entry().run!.progress).toEqual({
      run: 'notebook',
      cell: 1,
      of: 2,
      seconds: 0.6
    });

    await jest.advanceTimersByTimeAsync(500);
    expect(model.entry().run!.progress!.cell).toBe(2);
    await jest.advanceTimersByTimeAsync(500);
    expect(client.verifyStatus).toHaveBeenCalledTimes(3);

    const record = {
      path: 'work/churn.ipynb',
      against: null,
      result,
      checkedAt: NOW,
      version: '2026-01-01T00:00:00Z'
    };
    await expect(checked).resolves.toEqual(record);
    expect(model.entry()).toEqual({
      run: null,
      last: record,
      error: null,
      cancelled: null
    });
    // Nothing is polled once the job is done.
    await jest.advanceTimersByTimeAsync(5000);
    expect(client.verifyStatus).toHaveBeenCalledTimes(3);
  });

  it('saves a notebook with unsaved changes before checking it', async () => {
    const { client, model, source } = setUp();
    source!.dirty = true;
    client.verifyStatus.mockResolvedValue(job('done', {}, verifyResult()));
    const checked = model.checkSource();
    await jest.advanceTimersByTimeAsync(500);
    await checked;
    expect(source!.save).toHaveBeenCalledTimes(1);
    expect(source!.save.mock.invocationCallOrder[0]).toBeLessThan(
      client.startVerify.mock.invocationCallOrder[0]
    );
  });

  it('checks against the original when asked', async () => {
    const { client, model } = setUp();
    client.verifyStatus.mockResolvedValue(job('done', {}, verifyResult()));
    const checked = model.check('work/new.ipynb', 'work/old.ipynb');
    await jest.advanceTimersByTimeAsync(500);
    expect(await checked).toMatchObject({
      path: 'work/new.ipynb',
      against: 'work/old.ipynb'
    });
    expect(client.startVerify.mock.calls).toEqual([
      [{ path: 'work/new.ipynb', against: 'work/old.ipynb', timeout: 60 }]
    ]);
  });

  it('sends the original notebook itself as against_notebook, named in the record', async () => {
    const { client, model } = setUp();
    client.verifyStatus.mockResolvedValue(job('done', {}, verifyResult()));
    const original = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: []
    };
    const checked = model.check(
      'work/new.ipynb',
      'the notebook before the extraction',
      original
    );
    await expectStartedAgainst(
      checked,
      client,
      'work/new.ipynb',
      'the notebook before the extraction',
      original
    );
  });

  it('cancels with the job id, polls until the job stopped and keeps the last result', async () => {
    const { client, model } = setUp();
    const first = verifyResult();
    client.verifyStatus.mockResolvedValueOnce(job('done', {}, first));
    const done = model.checkSource();
    await jest.advanceTimersByTimeAsync(500);
    await done;

    client.startVerify.mockResolvedValueOnce({ job: 'j2' });
    client.verifyStatus
      .mockResolvedValueOnce(job('running', { cell: 1 }))
      .mockResolvedValueOnce(job('running', { cell: 2 }))
      .mockResolvedValueOnce(
        job('cancelled', { cell: 2, seconds: 3.2 }, verifyResult())
      );
    client.cancelVerify.mockResolvedValue(job('running', { cell: 1 }));
    const second = model.checkSource();
    await jest.advanceTimersByTimeAsync(500);
    await model.cancel();
    expect(client.cancelVerify.mock.calls).toEqual([['j2']]);
    expect(model.entry().run!.cancelling).toBe(true);
    // Asked again while cancelling, nothing more is sent.
    await model.cancel();
    expect(client.cancelVerify).toHaveBeenCalledTimes(1);

    await jest.advanceTimersByTimeAsync(1000);
    await expect(second).resolves.toBeNull();
    expect(client.verifyStatus.mock.calls).toEqual([
      ['j1'],
      ['j2'],
      ['j2'],
      ['j2']
    ]);
    expect(model.entry()).toEqual({
      run: null,
      last: {
        path: 'work/churn.ipynb',
        against: null,
        result: first,
        checkedAt: NOW,
        version: '2026-01-01T00:00:00Z'
      },
      error: null,
      cancelled: { run: 'notebook', cell: 2, of: 2, seconds: 3.2 }
    });
  });

  it('cancels as soon as the server answered the start', async () => {
    const { client, model } = setUp();
    let started!: (value: NbRefactorAPI.IVerifyStarted) => void;
    client.startVerify.mockReturnValueOnce(
      new Promise(resolve => (started = resolve))
    );
    client.cancelVerify.mockResolvedValue(job('running'));
    client.verifyStatus.mockResolvedValue(job('cancelled'));
    const checked = model.checkSource();
    await jest.advanceTimersByTimeAsync(0);
    await model.cancel();
    expect(client.cancelVerify).not.toHaveBeenCalled();
    started({ job: 'j9' });
    await jest.advanceTimersByTimeAsync(500);
    expect(client.cancelVerify.mock.calls).toEqual([['j9']]);
    await expect(checked).resolves.toBeNull();
  });

  it("shows the server's message when a check cannot start or fails", async () => {
    const { client, model } = setUp();
    client.startVerify.mockRejectedValueOnce(
      new NbRefactorError(
        "verify runs notebooks from the server's disk: this contents manager keeps them elsewhere",
        400
      )
    );
    await expect(model.checkSource()).resolves.toBeNull();
    expect(model.entry().error).toBe(
      "verify runs notebooks from the server's disk: this contents manager keeps them elsewhere"
    );

    client.verifyStatus.mockResolvedValueOnce(
      job('error', {}, null, 'No such kernel named python2')
    );
    const failed = model.checkSource();
    await jest.advanceTimersByTimeAsync(0);
    // A new check clears the old error.
    expect(model.entry().error).toBeNull();
    await jest.advanceTimersByTimeAsync(500);
    await expect(failed).resolves.toBeNull();
    expect(model.entry()).toMatchObject({
      run: null,
      last: null,
      error: 'No such kernel named python2'
    });
  });

  it('runs one check per notebook at a time and keeps the last result of each', async () => {
    const { client, model, source } = setUp();
    client.verifyStatus.mockResolvedValue(job('done', {}, verifyResult()));
    const one = model.checkSource();
    const again = model.checkSource();
    await jest.advanceTimersByTimeAsync(0);
    expect(client.startVerify).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(500);
    expect(await again).toBe(await one);

    const other = new FakeSource('work/other.ipynb');
    model.setSource(other);
    expect(source!.disposed).toBe(true);
    expect(model.entry()).toMatchObject({ run: null, last: null });
    expect(model.entry('work/churn.ipynb').last!.path).toBe('work/churn.ipynb');
  });

  it('tells when the notebook was saved since the check', async () => {
    const { client, model, source } = setUp();
    client.verifyStatus.mockResolvedValue(job('done', {}, verifyResult()));
    const checked = model.checkSource();
    await jest.advanceTimersByTimeAsync(500);
    const record = (await checked)!;
    expect(model.savedSince(record)).toBe(false);
    source!.version = '2026-01-01T00:05:00Z';
    expect(model.savedSince(record)).toBe(true);
    // A path the model did not follow has no version to compare.
    const other = model.check('work/other.ipynb');
    await jest.advanceTimersByTimeAsync(500);
    expect((await other)!.version).toBeNull();
  });

  it('reveals a cell of the result only in the notebook that was checked', async () => {
    const { client, model, source } = setUp();
    client.verifyStatus.mockResolvedValue(job('done', {}, verifyResult()));
    const checked = model.checkSource();
    await jest.advanceTimersByTimeAsync(500);
    const record = (await checked)!;
    await model.revealCell(record, record.result.cells[1]);
    expect(source!.revealCell.mock.calls).toEqual([[{ index: 2, id: 'b' }]]);

    model.setSource(new FakeSource('work/other.ipynb'));
    await model.revealCell(record, record.result.cells[1]);
    expect(source!.revealCell).toHaveBeenCalledTimes(1);
  });
});

describe('Check Reproducibility', () => {
  function commandsFor(model: VerifyModel) {
    const commands = new CommandRegistry();
    const showVerify = jest.fn();
    const ids = addPanelCommands(commands, {
      current: () => null,
      changed: new Signal<unknown, void>({}),
      trans,
      openPanel: () => undefined,
      showHealth: () => undefined,
      verify: model,
      showVerify
    });
    return { commands, showVerify, ids };
  }

  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is in the palette with a label and a caption', () => {
    const { model } = setUp();
    const { commands, ids } = commandsFor(model);
    expect(ids).toContain(CommandIDs.checkReproducibility);
    expect(commands.label(CommandIDs.checkReproducibility)).toBe(
      'Check Reproducibility'
    );
    expect(commands.caption(CommandIDs.checkReproducibility)).toBe(
      'Save the notebook, run it top to bottom in a fresh kernel and compare every output with the saved one'
    );
    expect(commands.icon(CommandIDs.checkReproducibility)).toBeDefined();
  });

  it('checks the followed notebook, shows the panel and answers the record; disabled while it runs', async () => {
    const { client, model } = setUp();
    const { commands, showVerify } = commandsFor(model);
    client.verifyStatus.mockResolvedValue(job('done', {}, verifyResult()));
    expect(commands.isEnabled(CommandIDs.checkReproducibility)).toBe(true);
    const answer = commands.execute(CommandIDs.checkReproducibility);
    await jest.advanceTimersByTimeAsync(0);
    expect(showVerify).toHaveBeenCalledTimes(1);
    expect(commands.isEnabled(CommandIDs.checkReproducibility)).toBe(false);
    await jest.advanceTimersByTimeAsync(500);
    expect(await answer).toMatchObject({ path: 'work/churn.ipynb' });
    expect(commands.isEnabled(CommandIDs.checkReproducibility)).toBe(true);
  });

  it('checks the path and the original it is given', async () => {
    const { client, model } = setUp(new FakeSource(null));
    const { commands } = commandsFor(model);
    expect(commands.isEnabled(CommandIDs.checkReproducibility)).toBe(false);
    client.verifyStatus.mockResolvedValue(job('done', {}, verifyResult()));
    const answer = commands.execute(CommandIDs.checkReproducibility, {
      path: 'b.ipynb',
      against: 'a.ipynb'
    });
    await jest.advanceTimersByTimeAsync(500);
    expect(await answer).toMatchObject({ path: 'b.ipynb', against: 'a.ipynb' });
  });

  it('passes the original notebook it is given through to the request', async () => {
    const { client, model } = setUp(new FakeSource(null));
    const { commands } = commandsFor(model);
    client.verifyStatus.mockResolvedValue(job('done', {}, verifyResult()));
    const original = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: []
    };
    const answer = commands.execute(CommandIDs.checkReproducibility, {
      path: 'b.ipynb',
      againstNotebook: original
    });
    await expectStartedAgainst(
      answer,
      client,
      'b.ipynb',
      'the original notebook',
      original
    );
  });
});
