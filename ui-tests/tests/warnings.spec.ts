import { expect, galata, test } from '@jupyterlab/galata';
import * as path from 'path';

import {
  cell,
  notebookJSON,
  openExample,
  openNotebook,
  openPanel,
  runInOrder
} from './helpers';

const NOTEBOOK = 'order.ipynb';

/**
 * A notebook made for the test: x is defined above and (again) below its
 * reader. Run bottom-up, the reader reads x from below (out of order), then
 * the cell above it re-runs with another value (stale).
 */
const SOURCES = ['x = 1', 'y = x * 2', 'x = 10'];

test.describe('Execution-order warnings', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await openNotebook(page, tmpPath, NOTEBOOK, notebookJSON(SOURCES));
  });

  test('marks and explains out-of-order and stale cells', async ({ page }) => {
    const panel = await openPanel(page);
    await runInOrder(page, [2, 1, 0]);

    const reader = await cell(page, 1);
    await expect(reader.locator('.jp-nbrefactor-marker-stale')).toHaveText(
      'stale'
    );
    await expect(
      reader.locator('.jp-nbrefactor-marker-out-of-order')
    ).toHaveText('out of order');
    await expect(reader.locator('.jp-nbrefactor-marker-stale')).toHaveAttribute(
      'title',
      'x was redefined by cell 1 after this cell ran'
    );
    await expect(
      (await cell(page, 0)).locator('.jp-nbrefactor-marker')
    ).toHaveCount(0);

    const group = panel.locator(
      '.jp-nbrefactor-warning-group[data-cell-id="cell-1"]'
    );
    await expect(group.locator('.jp-nbrefactor-warning')).toHaveCount(2);
    await expect(
      group.locator('.jp-nbrefactor-warning[data-kind="stale"]')
    ).toContainText('x was redefined by cell 1 after this cell ran');
    await expect(
      group.locator('.jp-nbrefactor-warning[data-kind="out-of-order"]')
    ).toContainText('x came from cell 3, below this cell');
    await expect(
      group.locator('.jp-nbrefactor-warning .jp-nbrefactor-name').first()
    ).toHaveText('x');
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      'Restart & Run All would not reproduce this state: 1 cell read values from cells below it; 1 cell ran before its inputs changed.'
    );
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '3 cells run in this kernel session.'
    );
    await expect(page.locator('.jp-nbrefactor-status-body')).toHaveText(
      '2 warnings'
    );
  });

  test('a click on a warning selects its cell; "Go to next warning" too', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await runInOrder(page, [2, 1, 0]);
    await page.notebook.selectCells(0);

    await panel.locator('.jp-nbrefactor-warning[data-kind="stale"]').click();
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
    await runInOrder(page, [2, 1, 0]);
    await expect(panel.locator('.jp-nbrefactor-warning')).toHaveCount(2);

    await panel
      .locator(
        '.jp-nbrefactor-action[data-command="nbrefactor:run-stale-cells"]'
      )
      .click();

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
    ).toContainText(
      'x comes from a deleted cell ([1]), which no longer exists'
    );
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
    await runInOrder(page, [2, 1, 0]);
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(2);
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
    ).toHaveText(['out of order', 'stale']);
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '3 cells run in this kernel session.'
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
    // imports, constants, load, cleaning, features, two reads of df: in order.
    await runInOrder(page, [2, 3, 5, 12, 13, 18, 24]);
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    // The load above them re-runs with other data.
    await page.notebook.setCell(
      5,
      'code',
      'df = pd.read_csv(DATA_PATH).head(500)\ndf.shape'
    );
    await page.notebook.runCell(5);

    const cause = panel.locator('.jp-nbrefactor-cause-group');
    await expect(cause).toHaveCount(1);
    await expect(cause.locator('.jp-nbrefactor-cause')).toHaveText(
      'cell 6 changed df: 4 cells read it'
    );
    await cause.locator('.jp-nbrefactor-cause').click();
    const readers = cause.locator('.jp-nbrefactor-cause-cell');
    expect(
      await readers.evaluateAll(nodes =>
        nodes.map(node => node.getAttribute('data-cell-id'))
      )
    ).toEqual([ids.cleaning, ids.features, ids.contract, ids.calls]);
    await expect(
      cause.locator('.jp-nbrefactor-warning[data-kind="stale"]').first()
    ).toContainText('df was redefined by cell 6 after this cell ran');

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
    await panel.screenshot({
      path: path.resolve(__dirname, '../../docs/images/sidebar.png')
    });

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
    await expect(target.locator('.jp-nbrefactor-marker-stale')).toHaveText(
      'stale'
    );
  });
});
