import { expect, test } from '@jupyterlab/galata';

import { closeDialog, openExample, sources } from './helpers';

/** The example's cells, and how many remain once its 24 moved cells became 7 calls. */
const CELLS_BEFORE = 48;
const CELLS_AFTER = 31;
const SECTIONS = [
  'Load',
  'Cleaning',
  'Exploration',
  'Features',
  'Model',
  'Try 2: only the top 8 features',
  'Who to call'
];
const MODULES = [
  'src/load.py',
  'src/cleaning.py',
  'src/features.py',
  'src/model.py',
  'src/top.py',
  'src/who.py'
];
const SCRIPT = 'scripts/train.py';

test.describe('Graduate Notebook…', () => {
  test('the wizard shows sections -> files, Graduate writes the modules and the script, Undo removes them', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    const original = await sources(page);
    expect(original).toHaveLength(CELLS_BEFORE);

    // from the panel's Health tab (the palette and the File menu run the same command)
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('nbrefactor:show-health')
    );
    await page
      .locator('#jp-nbrefactor-panel .jp-nbrefactor-health-graduate-run')
      .click();
    const dialog = page.locator('.jp-nbrefactor-graduate-dialog');
    // sections -> files, and what stays and why
    await expect(
      dialog.locator('.jp-nbrefactor-graduate-section > strong')
    ).toHaveText(SECTIONS);
    await expect(
      dialog.locator('.jp-nbrefactor-graduate-move').first()
    ).toHaveText(/^cells 6 → src\/load\.py: load_data\(\w+\)$/);
    await expect(
      dialog.locator('.jp-nbrefactor-graduate-kept').first()
    ).toHaveText(
      'cell 7 stays: only displays or plots (nothing it makes is used below)'
    );
    // a preview of every file, and the before/after figures
    const files = dialog.locator('.jp-nbrefactor-graduate-file > summary');
    await expect(files).toHaveText([
      ...MODULES.map(m => `${m} (new)`),
      `${SCRIPT} (new)`,
      'src/__init__.py (new)'
    ]);
    await files.filter({ hasText: SCRIPT }).click();
    await expect(
      dialog.locator('.jp-nbrefactor-graduate-preview').nth(MODULES.length)
    ).toContainText('def main(argv=None):');
    await expect(
      dialog.locator('.jp-nbrefactor-graduate-report')
    ).toContainText('before: big_messy_notebook.ipynb: 134 lines');

    await closeDialog(dialog, 'accept');
    await expect
      .poll(async () => (await sources(page)).length)
      .toBe(CELLS_AFTER);
    expect(
      (await sources(page)).filter(source =>
        source.startsWith('from src.load import load_data\n')
      )
    ).toHaveLength(1);
    for (const file of [...MODULES, SCRIPT, 'src/__init__.py']) {
      expect(await page.contents.fileExists(`${tmpPath}/${file}`)).toBe(true);
    }

    const toast = page.locator('.Toastify__toast', { hasText: 'Graduated:' });
    await expect(toast.getByRole('button')).toContainText([
      'Open script',
      'Verify',
      'Undo'
    ]);
    // the notification closes once an action is clicked: undo then comes from the notebook
    await toast.getByRole('button', { name: 'Open script' }).click();
    await expect(
      page.locator('.jp-FileEditor .cm-content', {
        hasText: 'def main(argv=None):'
      })
    ).toBeVisible();
    await page.notebook.activate('big_messy_notebook.ipynb');

    // Undo (Edit › Undo in the notebook): the cells come back in one step, and every
    // file and folder the graduation created goes
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('notebook:undo-cell-action')
    );
    await expect.poll(() => sources(page)).toEqual(original);
    for (const file of [...MODULES, SCRIPT, 'src/__init__.py']) {
      await expect
        .poll(() => page.contents.fileExists(`${tmpPath}/${file}`))
        .toBe(false);
    }
    await expect
      .poll(() => page.contents.directoryExists(`${tmpPath}/src`))
      .toBe(false);
    await expect
      .poll(() => page.contents.directoryExists(`${tmpPath}/scripts`))
      .toBe(false);
    expect(await page.contents.fileExists(`${tmpPath}/data/churn.csv`)).toBe(
      true
    );
  });
});
