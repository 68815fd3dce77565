import { expect, galata, test } from '@jupyterlab/galata';

import {
  cell,
  changeXAbove,
  clickAction,
  docsImage,
  notebookJSON,
  openExample,
  openNotebook,
  openPanel,
  runInOrder,
  X_READER
} from './helpers';

const NOTEBOOK = 'order.ipynb';

test.describe('Execution-order warnings', () => {
  // x is defined above and (again) below its reader. Run bottom-up, the reader
  // reads x from below (out of order); the cell above it re-run with another
  // value makes it stale.
  test.beforeEach(async ({ page, tmpPath }) => {
    await openNotebook(page, tmpPath, NOTEBOOK, notebookJSON(X_READER));
  });

  test('a cell re-run above its reader with another value makes the reader stale', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await runInOrder(page, [0, 1, 2]);
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();

    await changeXAbove(page);

    const reader = await cell(page, 1);
    await expect(reader.locator('.jp-nbrefactor-marker')).toHaveText(['stale']);
    await expect(reader.locator('.jp-nbrefactor-marker-stale')).toHaveAttribute(
      'title',
      'x was redefined by cell 1 after this cell ran'
    );
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(1);
    const group = panel.locator(
      '.jp-nbrefactor-warning-group[data-cell-id="cell-1"]'
    );
    await expect(group.locator('.jp-nbrefactor-warning')).toHaveCount(1);
    await expect(
      group.locator('.jp-nbrefactor-warning .jp-nbrefactor-name')
    ).toHaveText('x');
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      'Restart & Run All would not reproduce this state: 1 cell ran before its inputs changed.'
    );
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '4 cells run in this kernel session.'
    );
    await expect(page.locator('.jp-nbrefactor-status-body')).toHaveText(
      '1 warning'
    );
  });

  test('a cell that read a value from below is out of order, with the cell to re-run from', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await runInOrder(page, [2, 1]);

    const reader = await cell(page, 1);
    await expect(reader.locator('.jp-nbrefactor-marker')).toHaveText([
      'out of order'
    ]);
    const group = panel.locator(
      '.jp-nbrefactor-warning-group[data-cell-id="cell-1"]'
    );
    await expect(
      group.locator('.jp-nbrefactor-warning[data-kind="out-of-order"]')
    ).toContainText(
      'x came from cell 3, below this cell: Restart & Run All would not reproduce it; re-run from cell 1, which creates x'
    );
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      'Restart & Run All would not reproduce this state: 1 cell read values from cells below it.'
    );
    const fix = group.locator(
      '.jp-nbrefactor-cell-action[data-command="nbrefactor:rerun-from"]'
    );
    await expect(fix).toHaveText('Re-run from cell 1');

    await fix.click();

    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '4 cells run in this kernel session.'
    );
  });

  test('a click on a warning selects its cell; "Go to next warning" too', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await runInOrder(page, [2, 1]);
    await page.notebook.selectCells(0);

    await panel
      .locator('.jp-nbrefactor-warning[data-kind="out-of-order"]')
      .click();
    await expect(await cell(page, 1)).toHaveClass(/jp-mod-active/);

    await page.notebook.selectCells(2);
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('nbrefactor:next-warning');
    });
    await expect(await cell(page, 1)).toHaveClass(/jp-mod-active/);
  });

  test('"Run stale cells" reruns the stale cell and clears its warnings', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await runInOrder(page, [0, 1]);
    await changeXAbove(page);
    await expect(panel.locator('.jp-nbrefactor-warning')).toHaveCount(1);

    await clickAction(panel, 'nbrefactor:run-stale-cells');

    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      'Restart & Run All would reproduce this state.'
    );
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);
    await expect(panel.locator('.jp-nbrefactor-run')).toHaveCount(4);
    await expect(
      panel.locator('.jp-nbrefactor-run').last().locator('.jp-nbrefactor-count')
    ).toHaveText('[4]');
  });

  test('an edited cell is marked "edited"', async ({ page }) => {
    const panel = await openPanel(page);
    await runInOrder(page, [0, 1]);
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();

    await page.notebook.setCell(0, 'code', 'x = 2');

    await expect(
      (await cell(page, 0)).locator('.jp-nbrefactor-marker-edited')
    ).toHaveText('edited');
    await expect(
      panel.locator('.jp-nbrefactor-run [data-tag="edited"]')
    ).toHaveCount(1);
  });

  test('deleting the defining cell leaves hidden state', async ({ page }) => {
    const panel = await openPanel(page);
    // Without the second definition below, x has no producer left.
    await page.notebook.selectCells(2);
    await page.notebook.deleteCells();
    await runInOrder(page, [0, 1]);
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();

    await page.notebook.selectCells(0);
    await page.notebook.deleteCells();

    const reader = await cell(page, 0);
    await expect(
      reader.locator('.jp-nbrefactor-marker-hidden-state')
    ).toHaveText('hidden state');
    await expect(
      panel.locator('.jp-nbrefactor-warning[data-kind="hidden-state"]')
    ).toContainText('x comes from a deleted cell ([1])');
    await expect(
      panel.locator('.jp-nbrefactor-run[data-deleted="true"]')
    ).toHaveCount(1);
  });

  test('a kernel restart clears the log and the warnings', async ({ page }) => {
    const panel = await openPanel(page);
    await runInOrder(page, [2, 1]);
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(1);

    await page.evaluate(() => {
      void window.jupyterapp.commands.execute('notebook:restart-kernel');
    });
    await page.locator('.jp-Dialog .jp-mod-accept').click();

    await expect(panel.locator('.jp-nbrefactor-empty-title')).toHaveText(
      'Nothing has run yet'
    );
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);
  });

  test('after a page reload the log is rebuilt from the kernel history', async ({
    page,
    tmpPath
  }) => {
    await runInOrder(page, [2, 1]);
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(1);
    await page.notebook.save();

    // The restored layout shows the notebook, not the launcher galata waits for.
    await page.reload({ waitForIsReady: false });
    await page.locator('.jp-NotebookPanel').first().waitFor();
    if (!(await page.notebook.isOpen(NOTEBOOK))) {
      await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    }
    await page.notebook.activate(NOTEBOOK);
    const panel = await openPanel(page);

    await expect(
      (await cell(page, 1)).locator('.jp-nbrefactor-marker')
    ).toHaveText(['out of order']);
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '2 cells run in this kernel session.'
    );
  });
});

test.describe('On the example notebook (fully windowed)', () => {
  const ids = {
    cleaning: '6d7cbcfa',
    features: '1d5e3616',
    contract: 'a0f7bc9b',
    calls: 'b43abc16'
  };

  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      '@jupyterlab/notebook-extension:tracker': { windowingMode: 'full' }
    }
  });

  test.beforeEach(async ({ page, tmpPath }) => {
    await openExample(page, tmpPath);
  });

  test('loading other data makes the cells that read it stale, under one group; a click reaches a cell out of view', async ({
    page
  }) => {
    const panel = await openPanel(page);
    // Every code cell from the imports to cell 25, in order: nothing to warn.
    await runInOrder(
      page,
      [2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24]
    );
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    // The load above them re-runs with other data.
    await page.notebook.setCell(
      5,
      'code',
      'df = pd.read_csv(DATA_PATH).head(500)\ndf.shape'
    );
    await page.notebook.runCell(5);

    // 17 cells read df after that load: one group, folded.
    const cause = panel.locator('.jp-nbrefactor-cause-group');
    await expect(cause).toHaveCount(1);
    await expect(cause.locator('.jp-nbrefactor-cause')).toHaveText(
      'cell 6 changed df: 17 cells read it'
    );
    await expect(panel.locator('.jp-nbrefactor-warning-group')).toHaveCount(0);
    await cause.locator('.jp-nbrefactor-cause').click();
    const readers = cause.locator('.jp-nbrefactor-cause-cell');
    await expect(readers).toHaveCount(17);
    await expect(
      cause.locator('.jp-nbrefactor-warning[data-kind="stale"]').first()
    ).toHaveText('staledf was redefined by cell 6 after this cell randf');
    for (const id of [ids.cleaning, ids.features, ids.contract, ids.calls]) {
      await expect(
        cause.locator(`.jp-nbrefactor-cause-cell[data-cell-id="${id}"]`)
      ).toHaveCount(1);
    }

    await page.notebook.setCell(
      18,
      'code',
      'df["contract"].value_counts(normalize=True)'
    );
    await expect(
      panel.locator(
        `[data-cell-id="${ids.contract}"] .jp-nbrefactor-warning[data-kind="edited"]`
      )
    ).toHaveCount(1);
    await panel.screenshot({ path: docsImage('sidebar.png') });

    // Back to the top: cell 25 is then not attached to the DOM.
    await page.notebook.selectCells(0);
    await panel
      .locator(
        `.jp-nbrefactor-cause-cell[data-cell-id="${ids.calls}"] .jp-nbrefactor-cell-ref`
      )
      .click();

    const target = page.locator(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-mod-active'
    );
    await expect(target).toBeInViewport();
    await expect(target.locator('.jp-InputArea-editor')).toContainText(
      'df.groupby("support_calls")'
    );
    // Stale, or stale input (it read what a stale cell made).
    await expect(target.locator('.jp-nbrefactor-marker')).toHaveText([/stale/]);
  });
});
