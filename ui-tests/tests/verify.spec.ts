import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

import { notebookJSON, openExample, openNotebook, openPanel } from './helpers';

const CHECK = '[data-command="nbrefactor:check-reproducibility"]';

/** A notebook of code cells whose saved outputs are the given stdout texts (null: no output). */
function notebookWithOutputs(cells: [string, string | null][]): string {
  return notebookJSON(
    cells.map(([code, stdout], i) => ({ code, count: i + 1, stdout }))
  );
}

/** The sidebar's fresh-kernel check section. */
async function verifySection(page: IJupyterLabPageFixture): Promise<Locator> {
  const panel = await openPanel(page);
  const section = panel.locator('.jp-nbrefactor-verify');
  await expect(section.locator(CHECK)).toBeEnabled();
  return section;
}

async function activeCellIndex(page: IJupyterLabPageFixture): Promise<number> {
  return page.evaluate(
    () =>
      (window.jupyterapp.shell.currentWidget as any).content
        .activeCellIndex as number
  );
}

test.describe('Check Reproducibility', () => {
  test('is in the Run menu and the palette', async ({ page }) => {
    await page.menu.open('Run');
    await expect(
      page.getByRole('menuitem', { name: 'Check Reproducibility' })
    ).toBeVisible();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+c');
    await page.locator('#command-palette input').fill('Check Reproducibility');
    await expect(
      page.locator('#command-palette .lm-CommandPalette-item', {
        hasText: 'Check Reproducibility'
      })
    ).toHaveCount(1);
  });

  test('the example notebook: Restart & Run All reproduces every saved output', async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(120_000);
    await openExample(page, tmpPath);
    const section = await verifySection(page);
    await expect(section.locator('.jp-nbrefactor-verify-empty')).toContainText(
      'Runs the saved notebook top to bottom in a fresh kernel'
    );

    await section.locator(CHECK).click();
    await expect(
      section.locator('.jp-nbrefactor-verify-progress-text')
    ).toBeVisible();
    await expect(section.locator('.jp-nbrefactor-verify-summary')).toHaveText(
      'Restart & Run All reproduces all 40 outputs.',
      { timeout: 90_000 }
    );
    await expect(section.locator('.jp-nbrefactor-verify-when')).toContainText(
      'checked just now, in '
    );
    await expect(section.locator('.jp-nbrefactor-verify-cell')).toHaveCount(0);
    await expect(section.locator(CHECK)).toBeEnabled();
  });

  test('names the cell that differs, reveals it with its diff, and sets a non-deterministic cell apart', async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(120_000);
    await openNotebook(
      page,
      tmpPath,
      'differs.ipynb',
      notebookWithOutputs([
        ['x = 1', null],
        ['print(x)', '2\n'],
        ['import random\nprint(random.random())', '0.5\n'],
        ['print("end")', 'end\n']
      ])
    );
    const section = await verifySection(page);
    // Run from the palette, like a person who does not open the sidebar first.
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('nbrefactor:check-reproducibility')
    );
    await expect(section.locator('.jp-nbrefactor-verify-summary')).toHaveText(
      'Cell 2 differs from the saved outputs.',
      { timeout: 90_000 }
    );
    const differing = section.locator(
      '[data-list="differing"] .jp-nbrefactor-verify-cell'
    );
    await expect(differing).toHaveCount(1);
    await expect(
      section.locator('.jp-nbrefactor-verify-unstable-title')
    ).toHaveText('1 cell differs between two fresh runs: not counted');
    await expect(
      section.locator(
        '[data-list="non-deterministic"] .jp-nbrefactor-verify-cell-head'
      )
    ).toHaveText('cell 3non-deterministic');

    await page.notebook.selectCells(3);
    await differing.locator('summary').click();
    await expect.poll(() => activeCellIndex(page)).toBe(1);
    const diff = differing.locator('pre.jp-nbrefactor-verify-diff');
    await expect(diff).toBeVisible();
    await expect(diff).toContainText('-2');
    await expect(diff).toContainText('+1');

    // The live verdict line says when the notebook was checked.
    await page.notebook.run();
    await expect(
      page.locator('#jp-nbrefactor-panel .jp-nbrefactor-verdict-checked')
    ).toHaveText('Fresh kernel: outputs differ, checked just now.');
  });

  test('Cancel stops a run', async ({ page, tmpPath }) => {
    test.setTimeout(120_000);
    await openNotebook(
      page,
      tmpPath,
      'slow.ipynb',
      notebookWithOutputs([
        ['import time\ntime.sleep(60)', null],
        ['print("done")', 'done\n']
      ])
    );
    const section = await verifySection(page);
    await section.locator(CHECK).click();
    const progress = section.locator('.jp-nbrefactor-verify-progress-text');
    await expect(progress).toContainText('cell 0 of 2', { timeout: 30_000 });
    // The seconds count on while the cell runs.
    await expect(progress).toHaveText(/cell 0 of 2, ([3-9]|\d\d) s/);
    await section.getByRole('button', { name: 'Cancel' }).click();
    // The first cell sleeps for a minute: the kernel is interrupted.
    await expect(section.locator('.jp-nbrefactor-verify-cancelled')).toHaveText(
      'Cancelled after 0 of 2 code cells.',
      { timeout: 30_000 }
    );
    await expect(section.locator(CHECK)).toBeEnabled();
    await expect(section.locator('.jp-nbrefactor-verify-result')).toHaveCount(
      0
    );
  });
});

test.describe('Verify after an extraction', () => {
  test('Verify in the notification saves the new notebook and checks it against the notebook before the extraction', async ({
    page,
    tmpPath
  }) => {
    // Two fresh runs: the new notebook and the one before the extraction.
    test.setTimeout(300_000);
    await openExample(page, tmpPath);
    // Cells 29-31: the feature columns, the dummies, X and y.
    await page.notebook.selectCells(28, 30);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Alt+Shift+E');
    const dialog = page.locator('.jp-nbrefactor-extract-dialog');
    await expect(dialog.locator('.jp-mod-accept')).toBeEnabled();
    await dialog.locator('.jp-mod-accept').click();
    // The name the server suggests for these cells (naming.suggest_name).
    const toast = page.locator('.Toastify__toast', {
      hasText: 'function compute_features.'
    });
    await toast.getByRole('button', { name: 'Verify' }).click();

    const section = page.locator('#jp-nbrefactor-panel .jp-nbrefactor-verify');
    // The replacement cell reproduces the outputs of the three cells it replaced.
    await expect(section.locator('.jp-nbrefactor-verify-summary')).toHaveText(
      'The refactored notebook reproduces all 38 outputs of the original.',
      { timeout: 270_000 }
    );
    await expect(section.locator('.jp-nbrefactor-verify-when')).toContainText(
      'against the notebook before the extraction'
    );
    await expect(
      page.locator('.Toastify__toast', {
        hasText:
          'Verified against the notebook before the extraction: The refactored notebook reproduces all 38 outputs of the original.'
      })
    ).toBeVisible();
    // The check ran the saved file: the notebook was saved with the replacement.
    expect(
      await page.evaluate(
        () => (window.jupyterapp.shell.currentWidget as any).context.model.dirty
      )
    ).toBe(false);
  });
});
