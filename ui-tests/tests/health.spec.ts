import { expect, test } from '@jupyterlab/galata';

import { closeDialog, docsImage, openExample, openHealth } from './helpers';

const SCREENSHOT = docsImage('health.png');

test.describe('Health view', () => {
  test('says what to do without a notebook', async ({ page }) => {
    const panel = await openHealth(page);
    await expect(panel.locator('.jp-nbrefactor-empty-title')).toHaveText(
      'No notebook is open'
    );
  });

  test('reports on the example notebook and extracts a candidate', async ({
    page,
    tmpPath
  }) => {
    await page.setViewportSize({ width: 1280, height: 1100 });
    await openExample(page, tmpPath);
    const panel = await openHealth(page);

    const verdict = panel.locator('.jp-nbrefactor-health-verdict');
    await expect(
      verdict.locator('.jp-nbrefactor-health-verdict-summary')
    ).toHaveText('Time to move code into modules');
    await expect(verdict.locator('.jp-nbrefactor-health-reason')).toHaveText([
      '41 module-level names (more than 30)',
      '134 lines of code and not one function or class',
      '2 duplicated blocks of code',
      '4 cells ran out of order'
    ]);
    const figure = (name: string) =>
      panel.locator(`.jp-nbrefactor-health-figure[data-figure="${name}"]`);
    await expect(figure('lines-of-code')).toHaveText('134');
    await expect(figure('code-cells')).toHaveText('40 of 48');
    await expect(figure('module-level-names')).toHaveText('41');
    await expect(figure('functions')).toHaveText('0');
    await expect(figure('out-of-order-cells')).toHaveText('4');
    await expect(figure('duplicated-blocks')).toHaveText('2');
    await expect(panel.locator('.jp-nbrefactor-health-rule')).toHaveText([
      'NR101 4',
      'NR102 10',
      'NR107 1',
      'NR203 1',
      'NR204 1',
      'NR205 2'
    ]);

    const candidates = panel.locator('.jp-nbrefactor-health-candidate');
    await expect(candidates).toHaveCount(3);
    await expect(
      candidates.locator('.jp-nbrefactor-health-candidate-cells')
    ).toHaveText(['cells 11–17', 'cells 19–25', 'cell 38']);
    await expect(
      candidates.locator('.jp-nbrefactor-health-candidate-signature code')
    ).toHaveText(['clean_data(df)', 'explore_data(df)', 'plot_model(cm)']);
    await expect(panel.locator('.jp-nbrefactor-health-loading')).toHaveCount(0);
    await panel
      .locator('.jp-nbrefactor-panel-body')
      .screenshot({ path: SCREENSHOT });

    // The first candidate's button selects cells 11-17 and opens the dialog on them.
    await candidates
      .first()
      .getByRole('button', { name: 'Extract function…' })
      .click();
    const dialog = page.locator('.jp-nbrefactor-extract-dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Extract Function'
    );
    await expect(dialog.locator('.jp-nbrefactor-extract-name')).toHaveValue(
      'clean_data'
    );
    // The card and its button propose the same (one suggester, naming.py).
    await expect(dialog.locator('.jp-nbrefactor-extract-module')).toHaveValue(
      'src/cleaning.py'
    );
    await expect(dialog.locator('.jp-nbrefactor-extract-params li')).toHaveText(
      ['df']
    );
    expect(
      await page.evaluate(() => {
        const notebook = (window.jupyterapp.shell.currentWidget as any).content;
        return notebook.widgets
          .map((cell: any, i: number) =>
            notebook.isSelectedOrActive(cell) ? i : -1
          )
          .filter((i: number) => i >= 0);
      })
    ).toEqual([10, 11, 12, 13, 14, 15, 16]);
    await closeDialog(dialog, 'reject');
  });

  test('follows the saved notebook', async ({ page, tmpPath }) => {
    await openExample(page, tmpPath);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('nbrefactor:show-health')
    );
    const panel = page.locator('#jp-nbrefactor-panel');
    const functions = panel.locator(
      '.jp-nbrefactor-health-figure[data-figure="functions"]'
    );
    await expect(functions).toHaveText('0');

    await page.notebook.addCell('code', 'def churn_rate(df):\n    return 0');
    await expect(panel.locator('.jp-nbrefactor-health-dirty')).toHaveText(
      'The notebook has unsaved changes: this report is about the saved file.'
    );
    await expect(functions).toHaveText('0');

    await page.notebook.save();
    await expect(functions).toHaveText('1');
    await expect(panel.locator('.jp-nbrefactor-health-dirty')).toHaveCount(0);
    await expect(panel.locator('.jp-nbrefactor-health-reason')).toHaveText([
      '41 module-level names (more than 30)',
      '2 duplicated blocks of code',
      '4 cells ran out of order'
    ]);
  });
});
