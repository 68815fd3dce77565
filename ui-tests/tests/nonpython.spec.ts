/**
 * A notebook on a kernel that is not Python (bash_kernel, installed by
 * `make setup`): the extension follows its runs but analyses nothing, and
 * says so.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  BASH,
  notebookJSON,
  openNotebook,
  openPanel,
  runInOrder
} from './helpers';

const NOTEBOOK = 'shell.ipynb';

/** Also valid Python: as Python, cell 2 would be stale and out of order. */
const SOURCES = ['x=1', 'echo $x', 'x=10'];

test.describe('A bash notebook', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await openNotebook(page, tmpPath, NOTEBOOK, notebookJSON(SOURCES, BASH));
  });

  test('runs, with no markers and a notice instead of warnings', async ({
    page
  }) => {
    const panel = await openPanel(page);
    await runInOrder(page, [2, 1, 0]);

    expect(await page.notebook.getCellTextOutput(1)).toEqual(['10\n']);
    await expect(panel.locator('.jp-nbrefactor-notice')).toHaveText(
      'Analysis is available for Python kernels; this notebook runs bash.'
    );
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '3 cells run in this kernel session.'
    );
    await expect(page.locator('.jp-nbrefactor-status-body')).toHaveText(
      'No analysis'
    );
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveCount(0);
    await expect(panel.locator('.jp-nbrefactor-warning')).toHaveCount(0);
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);
  });

  test('offers no extraction: it says it would write Python for bash cells', async ({
    page
  }) => {
    // The engine decides what language a notebook is (language.py): the
    // command asks the server and says why it does not extract, no dialog.
    await page.notebook.selectCells(0);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('nbrefactor:extract-function')
    );
    // Read in the notification center: a toast can be hidden by the file
    // browser's own dialogs about the test's temporary folder.
    await page.locator('.jp-Notification-Status').click();
    await expect(
      page
        .locator('.jp-Notification-Center')
        .getByText(
          'This notebook runs bash, not Python: only Python cells can move into a module.'
        )
    ).toBeVisible();
    await expect(page.locator('.jp-nbrefactor-extract-dialog')).toHaveCount(0);
  });
});
