import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { NbRefactorClient } from '../api';
import { addPanelCommands } from '../commands';
import { RefactorPanel } from '../components/RefactorPanel';
import { IWatchedNotebook, PanelModel } from '../model';
import { NbRefactorAPI } from '../tokens';
import { VerifyModel } from '../verify';
import {
  cellList,
  checkedAgo,
  progressText,
  resultSummary
} from '../verifyText';
import { FakeSource, verifyResult } from './verify-fixtures';

jest.mock('../api');

const trans = nullTranslator.load('jupyter_nbrefactor');

function cell(
  index: number,
  status: NbRefactorAPI.VerifyStatus,
  diff: string | null = null
): NbRefactorAPI.IVerifyCell {
  return { index, id: `id${index}`, status, diff };
}

const DIFF = '--- saved\n+++ fresh run\n@@ -1 +1 @@\n-0.81\n+0.79';

const CHANGED = verifyResult({
  verdict: 'changed',
  cells: [
    cell(3, 'same'),
    cell(11, 'changed', DIFF),
    cell(14, 'changed', '-a\n+b'),
    cell(20, 'non-deterministic', '-0.1\n+0.2')
  ],
  first_difference: 11,
  totals: { same: 1, changed: 2, 'non-deterministic': 1, error: 0 },
  seconds: 12.4
});

describe('what a check says', () => {
  it('lists cell numbers as people read them', () => {
    const cells = (...indices: number[]) => indices.map(i => cell(i, 'same'));
    expect(cellList(cells(11), trans)).toBe('12');
    expect(cellList(cells(11, 14), trans)).toBe('12 and 15');
    expect(cellList(cells(2, 4, 8), trans)).toBe('3, 5 and 9');
    expect(cellList(cells(0, 1, 2, 3, 4, 5, 6, 7), trans)).toBe(
      '1, 2, 3, 4, 5, 6 and 2 more'
    );
  });

  it('sums a result up in one sentence', () => {
    const same = verifyResult({ totals: { same: 41 } });
    expect(resultSummary(same, null, trans)).toBe(
      'Restart & Run All reproduces all 41 outputs.'
    );
    expect(resultSummary(same, 'old.ipynb', trans)).toBe(
      'The refactored notebook reproduces all 41 outputs of the original.'
    );
    expect(resultSummary(CHANGED, null, trans)).toBe(
      'Cells 12 and 15 differ from the saved outputs.'
    );
    expect(
      resultSummary(
        verifyResult({
          verdict: 'failed',
          cells: [cell(6, 'error', 'the fresh run stopped here: timed out')],
          message: 'notebook run: timed out after 60 s'
        }),
        null,
        trans
      )
    ).toBe('The fresh run failed in cell 7.');
    expect(
      resultSummary(
        verifyResult({
          verdict: 'failed',
          cells: [],
          message: 'notebook run: the run failed: No such kernel'
        }),
        null,
        trans
      )
    ).toBe(
      'The fresh run failed: notebook run: the run failed: No such kernel.'
    );
    expect(
      resultSummary(verifyResult({ cells: [], totals: {} }), null, trans)
    ).toBe('No code cells to check.');
  });

  it('says how far the run is and how long ago it finished', () => {
    expect(progressText({ cell: 12, of: 41, seconds: 8.4 }, trans)).toBe(
      'cell 12 of 41, 8 s'
    );
    expect(
      progressText({ run: 'against', cell: 3, of: 40, seconds: 20 }, trans)
    ).toBe('original: cell 3 of 40, 20 s');
    expect(
      progressText({ run: 'repeat', cell: 3, of: 40, seconds: 20 }, trans)
    ).toBe('second run: cell 3 of 40, 20 s');
    expect(progressText(null, trans)).toBe('Starting a fresh kernel, 0 s');
    // The server's seconds move only when a cell finishes: the caller counts them meanwhile.
    expect(progressText({ cell: 0, of: 2, seconds: 0 }, trans, 14.6)).toBe(
      'cell 0 of 2, 15 s'
    );
    expect(checkedAgo(20000, trans)).toBe('checked just now');
    expect(checkedAgo(3 * 60000 + 5000, trans)).toBe('checked 3 min ago');
    expect(checkedAgo(2 * 3600000, trans)).toBe('checked 2 h ago');
    expect(checkedAgo(49 * 3600000, trans)).toBe('checked 2 days ago');
  });
});

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
}

function texts(node: HTMLElement, selector: string): string[] {
  return Array.from(node.querySelectorAll(selector)).map(
    n => n.textContent ?? ''
  );
}

/** The sidebar on a notebook with a kernel, with a VerifyModel whose client is mocked. */
async function shown(source = new FakeSource()) {
  const notebook = {
    title: 'churn.ipynb',
    kernelName: 'Python 3',
    runCount: 1,
    activeCellId: null,
    changed: new Signal<IWatchedNotebook, void>({} as IWatchedNotebook),
    tracker: {
      result: { cells: {}, warnings: [], reproducible: true, rerun: [] },
      notice: null,
      error: null,
      language: 'python',
      warnings: [],
      runs: [],
      cells: () => []
    },
    revealCell: jest.fn(async () => undefined),
    revealNextWarning: jest.fn(async () => undefined),
    runCells: jest.fn(async () => true)
  };
  const model = new PanelModel();
  model.setNotebook(notebook as unknown as IWatchedNotebook);
  const client = new NbRefactorClient() as jest.Mocked<NbRefactorClient>;
  client.startVerify.mockResolvedValue({ job: 'j1' });
  const verify = new VerifyModel({
    client,
    pollMs: 1,
    // Finished three and a half minutes ago.
    now: () => Date.now() - 3.5 * 60000
  });
  verify.setSource(source);
  const commands = new CommandRegistry();
  addPanelCommands(commands, {
    current: () => model.notebook,
    changed: model.changed,
    trans,
    openPanel: () => undefined,
    showHealth: () => undefined,
    verify
  });
  const panel = new RefactorPanel(model, trans, commands, null, verify);
  Widget.attach(panel, document.body);
  await settle();
  return { panel, client, verify, source, node: panel.node };
}

function job(
  state: NbRefactorAPI.VerifyState,
  result: NbRefactorAPI.IVerifyResult | null = null,
  message: string | null = null
): NbRefactorAPI.IVerifyJob {
  return {
    job: 'j1',
    state,
    progress: { run: 'notebook', cell: 12, of: 41, seconds: 12.2 },
    result,
    message
  };
}

describe('the fresh-kernel check in the sidebar', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('explains the check before the first one', async () => {
    const { node } = await shown();
    expect(
      texts(node, '.jp-nbrefactor-verify [data-command] span:last-child')
    ).toEqual(['Check Reproducibility']);
    expect(texts(node, '.jp-nbrefactor-verify-empty')).toEqual([
      'Runs the saved notebook top to bottom in a fresh kernel (your kernel is left alone) and compares every output with the saved one: the proof that Restart & Run All gives what the notebook shows.'
    ]);
    expect(texts(node, '.jp-nbrefactor-verdict-checked')).toEqual([]);
  });

  it('asks for a save when the server cannot read the notebook', async () => {
    const { node } = await shown(new FakeSource(null));
    expect(texts(node, '.jp-nbrefactor-verify-empty')).toEqual([
      'Save the notebook on the server to check it: the check runs the saved file.'
    ]);
    expect(
      node.querySelector<HTMLButtonElement>(
        '.jp-nbrefactor-verify [data-command]'
      )!.disabled
    ).toBe(true);
  });

  it('shows the progress with Cancel while it runs', async () => {
    const { node, client, verify } = await shown();
    client.verifyStatus.mockResolvedValue(job('running'));
    client.cancelVerify.mockResolvedValue(job('running'));
    void verify.checkSource();
    await settle();
    expect(texts(node, '.jp-nbrefactor-verify-progress-text')).toEqual([
      'cell 12 of 41, 12 s'
    ]);
    node
      .querySelector<HTMLButtonElement>('.jp-nbrefactor-verify-cancel')!
      .click();
    await settle();
    expect(client.cancelVerify.mock.calls).toEqual([['j1']]);
    expect(texts(node, '.jp-nbrefactor-verify-progress-text')).toEqual([
      'Cancelling… (cell 12 of 41, 12 s)'
    ]);
    client.verifyStatus.mockResolvedValue(job('cancelled', verifyResult()));
    await settle();
    expect(texts(node, '.jp-nbrefactor-verify-cancelled')).toEqual([
      'Cancelled after 12 of 41 code cells.'
    ]);
    verify.dispose();
  });

  it('lists the differing cells to click, with their diffs, and the non-deterministic ones apart', async () => {
    const { node, client, verify, source } = await shown();
    client.verifyStatus.mockResolvedValue(job('done', CHANGED));
    await verify.checkSource();
    await settle();
    expect(texts(node, '.jp-nbrefactor-verify-summary')).toEqual([
      'Cells 12 and 15 differ from the saved outputs.'
    ]);
    expect(texts(node, '.jp-nbrefactor-verify-when')).toEqual([
      'checked 3 min ago, in 12 s'
    ]);
    expect(
      texts(node, '[data-list="differing"] .jp-nbrefactor-verify-cell-head')
    ).toEqual(['cell 12differs', 'cell 15differs']);
    expect(texts(node, '.jp-nbrefactor-verify-unstable-title')).toEqual([
      '1 cell differs between two fresh runs: not counted'
    ]);
    expect(
      texts(
        node,
        '[data-list="non-deterministic"] .jp-nbrefactor-verify-cell-head'
      )
    ).toEqual(['cell 21non-deterministic']);
    expect(
      texts(node, '[data-index="11"] pre.jp-nbrefactor-verify-diff')
    ).toEqual([DIFF]);

    node
      .querySelector<HTMLElement>(
        '[data-index="11"] .jp-nbrefactor-verify-cell-head'
      )!
      .click();
    await settle();
    expect(source.revealCell.mock.calls).toEqual([[{ index: 11, id: 'id11' }]]);
    expect(
      node.querySelector<HTMLDetailsElement>('[data-index="11"] details')!.open
    ).toBe(true);

    // Saved since: the result may be out of date.
    source.version = 'later';
    source.changed.emit();
    await settle();
    expect(
      texts(node, '.jp-nbrefactor-verify-result .jp-nbrefactor-verify-note')
    ).toEqual([
      'The notebook was saved since this check: check again to prove the new version.'
    ]);

    // The live verdict line says when the notebook was last checked.
    expect(texts(node, '.jp-nbrefactor-verdict-checked')).toEqual([
      'Fresh kernel: outputs differ, checked 3 min ago.'
    ]);
  });

  it('says all outputs are reproduced', async () => {
    const { node, client, verify } = await shown();
    client.verifyStatus.mockResolvedValue(
      job('done', verifyResult({ totals: { same: 41 } }))
    );
    await verify.checkSource();
    await settle();
    expect(texts(node, '.jp-nbrefactor-verify-summary')).toEqual([
      'Restart & Run All reproduces all 41 outputs.'
    ]);
    expect(texts(node, '.jp-nbrefactor-verdict-checked')).toEqual([
      'Fresh kernel: reproduced, checked 3 min ago.'
    ]);
    expect(node.querySelectorAll('.jp-nbrefactor-verify-cell')).toHaveLength(0);
  });

  it('shows why a check failed', async () => {
    const { node, client, verify } = await shown();
    client.verifyStatus.mockResolvedValue(
      job('error', null, "No such kernel named 'python2'")
    );
    await verify.checkSource();
    await settle();
    expect(texts(node, '.jp-nbrefactor-verify .jp-nbrefactor-error')).toEqual([
      "The check failed: No such kernel named 'python2'"
    ]);
  });

  it('says a dirty notebook is saved first', async () => {
    const source = new FakeSource();
    source.dirty = true;
    const { node } = await shown(source);
    expect(texts(node, '.jp-nbrefactor-verify-note')).toEqual([
      'The notebook has unsaved changes: the check saves it first.'
    ]);
  });
});
