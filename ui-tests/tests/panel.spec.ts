import { expect, test } from '@jupyterlab/galata';

import { EXAMPLE, openExample, openPanel } from './helpers';

test.describe('Notebook refactor panel', () => {
  test('opens from the command palette with its empty state', async ({
    page
  }) => {
    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute(
        'apputils:activate-command-palette'
      );
    });
    await page.keyboard.type('Notebook Refactor Panel');
    await page.keyboard.press('Enter');

    const panel = page.locator('#jp-nbrefactor-panel');
    await expect(panel).toBeVisible();
    await expect(panel.locator('.jp-nbrefactor-empty-title')).toHaveText(
      'No notebook is open'
    );
  });

  test('follows the example notebook and its runs', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    const panel = await openPanel(page);
    await expect(panel.locator('.jp-nbrefactor-notebook-name')).toHaveText(
      EXAMPLE
    );
    await expect(panel.locator('.jp-nbrefactor-empty-title')).toHaveText(
      'Nothing has run yet'
    );

    await page.notebook.runCell(1);

    await expect(panel.locator('.jp-nbrefactor-empty')).toHaveCount(0);
    await expect(panel.locator('.jp-nbrefactor-summary')).toHaveText(
      '1 cell run in this kernel session.'
    );
  });
});
