/**
 * Warnings you can trust (issue 20): notebook order is the reference. A clean
 * top-to-bottom run gives no warning; a cell is stale only when a cell above
 * it re-ran with a changed value; Run Stale Cells runs the server's list one
 * cell at a time and stops at the first error without touching other cells.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  cell,
  changeXAbove,
  clickAction,
  counts,
  notebookJSON,
  openExample,
  openNotebook,
  openPanel,
  outputsOf,
  restartAndRunAll,
  runInOrder,
  X_READER
} from './helpers';

const NOTEBOOK = 'trust.ipynb';
const REPRODUCES = 'Restart & Run All would reproduce this state.';

test.describe('Notebook order is the reference', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await openNotebook(page, tmpPath, NOTEBOOK, notebookJSON(X_READER));
  });

  test('Run All gives no warning; re-running a cell above with a new value makes its reader stale', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await page.notebook.run();

    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      REPRODUCES
    );
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);

    // x = 10 below the reader is forward flow; x = 5 above it is a change.
    await changeXAbove(page);

    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(1);
    const reader = await cell(page, 1);
    await expect(reader.locator('.jp-nbrefactor-marker')).toHaveText(['stale']);
    await expect(reader.locator('.jp-nbrefactor-marker-stale')).toHaveAttribute(
      'title',
      'x was redefined by cell 1 after this cell ran'
    );
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      'Restart & Run All would not reproduce this state: 1 cell ran before its inputs changed.'
    );

    // Run Stale Cells runs exactly the reader.
    await clickAction(panel, 'nbrefactor:run-stale-cells');
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      REPRODUCES
    );
    await expect(panel.locator('.jp-nbrefactor-run')).toHaveCount(5);
    expect(await counts(page)).toEqual([4, 5, 3]);
  });

  test('"Run from Here Down" next to a warning runs the cell and all below it', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await page.notebook.run();
    await changeXAbove(page);

    await panel
      .locator(
        '.jp-nbrefactor-warning-group[data-cell-id="cell-1"] .jp-nbrefactor-cell-action[data-command="nbrefactor:run-from-here"]'
      )
      .click();

    // The cells run one by one: once cell 2 has re-run the sidebar is already
    // clear (x = 10 below it is forward flow), before cell 3 runs. Wait for
    // the last cell's new count, then for what the analysis of it shows.
    await expect.poll(() => counts(page)).toEqual([4, 5, 6]);
    await expect(panel.locator('.jp-nbrefactor-run')).toHaveCount(6);
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);
  });
});

test.describe('Running cells one by one', () => {
  test('Run Stale Cells stops at the first error and leaves the other cells alone', async ({
    page,
    tmpPath
  }) => {
    await openNotebook(
      page,
      tmpPath,
      NOTEBOOK,
      notebookJSON([
        'x = 1',
        'y = x * 2',
        'assert y < 5, y',
        'z = y + 1',
        'print("kept")'
      ])
    );
    const panel = await openPanel(page);
    await page.notebook.run();
    // y (cell 2) is stale; cells 3 and 4 used it.
    await changeXAbove(page);

    await clickAction(panel, 'nbrefactor:run-stale-cells');

    const failed = await cell(page, 2);
    await expect(failed.locator('.jp-OutputArea-output')).toContainText(
      'AssertionError'
    );
    // Cell 4 never ran again: it keeps its count; cell 5 keeps its output.
    await expect(panel.locator('.jp-nbrefactor-run')).toHaveCount(8);
    expect(await counts(page)).toEqual([6, 7, 8, 4, 5]);
    await expect(
      (await cell(page, 4)).locator('.jp-OutputArea-output')
    ).toHaveText('kept');
  });

  test('an out-of-order cell offers "Re-run from cell N", which fixes it', async ({
    page,
    tmpPath
  }) => {
    await openNotebook(
      page,
      tmpPath,
      NOTEBOOK,
      notebookJSON(['x = 1', 'x += 1', 'print(x)'])
    );
    const panel = await openPanel(page);
    // x += 1 twice: its second run read its own first run's value.
    await runInOrder(page, [0, 1, 1]);
    const group = panel.locator(
      '.jp-nbrefactor-warning-group[data-cell-id="cell-1"]'
    );
    await expect(
      group.locator('.jp-nbrefactor-warning[data-kind="out-of-order"]')
    ).toContainText('re-run from cell 1, which creates x');

    await group
      .locator(
        '.jp-nbrefactor-cell-action[data-command="nbrefactor:rerun-from"]'
      )
      .click();

    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    expect(await counts(page)).toEqual([4, 5, null]);
  });
});

test.describe('Fingerprints', () => {
  test('a cell re-run on its own value that gives the same value is no warning', async ({
    page,
    tmpPath
  }) => {
    await openNotebook(
      page,
      tmpPath,
      NOTEBOOK,
      notebookJSON(['x = [3, 1]', 'x = sorted(x)'])
    );
    const bodies: any[] = [];
    page.on('request', request => {
      // JupyterLab adds a cache-busting query.
      if (new URL(request.url()).pathname === '/jupyter-nbrefactor/analyze') {
        bodies.push(request.postDataJSON());
      }
    });
    const panel = await openPanel(page);
    // Its second run read its own first run's x: the same list, sorted again.
    await runInOrder(page, [0, 1, 1]);

    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '3 cells run in this kernel session.'
    );
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);
    const last = bodies[bodies.length - 1];
    expect(
      last.runs.map((run: any) => Object.keys(run.fingerprints ?? {}))
    ).toEqual([[], ['x'], ['x']]);
    expect(last.runs[1].fingerprints.x).toBe(last.runs[2].fingerprints.x);
  });
});

test.describe('On the example notebook', () => {
  test.use({ kernels: null });

  test('Restart Kernel and Run All: it would reproduce, no cell has a marker', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    const panel = await openPanel(page);

    await restartAndRunAll(page);

    // The analysis of the whole run, not of a part of it.
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '40 cells run in this kernel session.'
    );
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      REPRODUCES
    );
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);
  });

  test('Run Stale Cells reproduces the outputs of Restart & Run All after an edit high up', async ({
    page,
    tmpPath
  }) => {
    test.slow(); // two runs of the whole example and one of its model cells
    await openExample(page, tmpPath);
    const panel = await openPanel(page);
    await restartAndRunAll(page);
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '40 cells run in this kernel session.'
    );

    // The settings cell (cell 4): a larger test split, re-run on its own.
    const settings = await cell(page, 3);
    await expect(settings.locator('.jp-InputArea-editor')).toContainText(
      'TEST_SIZE = 0.25'
    );
    const source = await page.evaluate(() => {
      const nb = window.jupyterapp.shell.currentWidget as any;
      return nb.content.model.cells.get(3).sharedModel.getSource() as string;
    });
    await page.notebook.setCell(
      3,
      'code',
      source.replace('TEST_SIZE = 0.25', 'TEST_SIZE = 0.3')
    );
    await page.notebook.runCell(3);
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      /^Restart & Run All would not reproduce this state/
    );

    // Run Stale Cells, to its end (the command answers when its last cell ran).
    const before = await counts(page);
    const ok = await page.evaluate(() =>
      window.jupyterapp.commands.execute('nbrefactor:run-stale-cells')
    );
    expect(ok).toBe(true);
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      REPRODUCES
    );
    const after = await counts(page);
    // The split (cell 33), the model cells below it and the second try, the
    // risk scores: 14 cells, none of the cleaning cells above.
    const ran = after.flatMap((count, i) => (count !== before[i] ? [i] : []));
    expect(ran).toEqual([
      32, 33, 34, 35, 36, 37, 38, 39, 41, 42, 43, 44, 46, 47
    ]);
    const shown = await outputsOf(page);

    // A fresh kernel, every cell in order: the same outputs, cell by cell.
    await restartAndRunAll(page);
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '40 cells run in this kernel session.'
    );
    const fresh = await outputsOf(page);
    expect(shown).toHaveLength(fresh.length);
    shown.forEach((text, i) => {
      expect({ cell: i, text }).toEqual({ cell: i, text: fresh[i] });
    });
  });
});
