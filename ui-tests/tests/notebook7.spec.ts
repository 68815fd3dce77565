/**
 * Notebook 7: the `notebook` package's /notebooks/ page, served by the same
 * server as JupyterLab (ui-tests/jupyter_server_test_config.py exposes
 * `window.jupyterapp` there too). Galata's `page` fixture drives /lab, so the
 * tests open pages of their own (`openInNotebook7`).
 */
import { expect, test as base } from '@jupyterlab/galata';
import { Locator, Page } from '@playwright/test';

import { closeDialog, contentsOf, notebookJSON, X_READER } from './helpers';

const test = base.extend<{
  /** Upload a notebook made for the test, open it in Notebook 7, wait for its kernel. */
  openInNotebook7: (name: string, content: string) => Promise<Page>;
}>({
  openInNotebook7: async ({ browser, baseURL, request, tmpPath }, use) => {
    const pages: Page[] = [];
    await use(async (name, content) => {
      await contentsOf(request).uploadContent(
        content,
        'text',
        `${tmpPath}/${name}`
      );
      const page = await browser.newPage();
      pages.push(page);
      await page.goto(`${baseURL}/notebooks/${tmpPath}/${name}`);
      await page.waitForFunction(
        () =>
          (window.jupyterapp?.shell.currentWidget as any)?.sessionContext
            ?.session?.kernel?.status === 'idle'
      );
      return page;
    });
    for (const page of pages) {
      await page.close();
    }
    // The pages' kernels are not Galata's: shut them down here.
    const sessions = await (await request.get('/api/sessions')).json();
    for (const session of sessions) {
      if (session.path.startsWith(`${tmpPath}/`)) {
        await request.delete(`/api/sessions/${session.id}`);
      }
    }
  }
});

function cellAt(page: Page, index: number): Locator {
  return page.locator('.jp-Notebook .jp-Cell').nth(index);
}

/** View › Open the Notebook Refactor Panel: the sidebar. */
async function openPanelFromViewMenu(page: Page): Promise<Locator> {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: 'View' }).click();
  await page
    .getByRole('menuitem', { name: 'Open the Notebook Refactor Panel' })
    .click();
  return page.locator('#jp-nbrefactor-panel');
}

/**
 * Run cells as a person does in Notebook 7: click the cell's prompt, then
 * Ctrl+Enter ("Run Selected Cell and Do not Advance"); each run waits for its
 * execution count.
 */
function cellRunner(page: Page): (...order: number[]) => Promise<void> {
  let count = 0;
  return async (...order) => {
    for (const index of order) {
      const prompt = cellAt(page, index).locator('.jp-InputArea-prompt');
      await prompt.click();
      await page.keyboard.press('Control+Enter');
      count += 1;
      await expect(prompt).toHaveText(new RegExp(`^\\[${count}\\]:`));
    }
  };
}

test.describe('In Notebook 7', () => {
  test('cells run out of order get markers; the View menu opens the panel', async ({
    openInNotebook7
  }) => {
    const page = await openInNotebook7('order.ipynb', notebookJSON(X_READER));
    const run = cellRunner(page);
    // The reader reads x from the cell below it.
    await run(2, 1);

    const reader = cellAt(page, 1);
    await expect(reader.locator('.jp-nbrefactor-marker')).toHaveText([
      'out of order'
    ]);
    await expect(
      reader.locator('.jp-nbrefactor-marker-out-of-order')
    ).toHaveAttribute(
      'title',
      'x came from cell 3, below this cell: Restart & Run All would not reproduce it; re-run from cell 1, which creates x'
    );
    await expect(cellAt(page, 0).locator('.jp-nbrefactor-marker')).toHaveCount(
      0
    );
    // Notebook 7 has no status bar: the notebook toolbar shows the count.
    await expect(page.locator('.jp-nbrefactor-status-body')).toHaveCount(0);
    const count = page.locator('.jp-nbrefactor-toolbar-warnings-button');
    await expect(count).toHaveText('1 warning');

    const panel = await openPanelFromViewMenu(page);
    await expect(panel).toBeVisible();
    await expect(panel.locator('.jp-nbrefactor-verdict')).toHaveText(
      'Restart & Run All would not reproduce this state: 1 cell read values from cells below it.'
    );
    const group = panel.locator(
      '.jp-nbrefactor-warning-group[data-cell-id="cell-1"]'
    );
    await expect(
      group.locator('.jp-nbrefactor-warning .jp-nbrefactor-message')
    ).toHaveText([
      'x came from cell 3, below this cell: Restart & Run All would not reproduce it; re-run from cell 1, which creates x'
    ]);

    // A click on a warning selects its cell.
    await cellAt(page, 2).locator('.jp-InputArea-prompt').click();
    await group
      .locator('.jp-nbrefactor-warning[data-kind="out-of-order"]')
      .click();
    await expect(reader).toHaveClass(/jp-mod-active/);

    // The fix the warning names: cells 1 and 2 run again, in order.
    await group
      .locator(
        '.jp-nbrefactor-cell-action[data-command="nbrefactor:rerun-from"]'
      )
      .click();
    await expect(panel.locator('.jp-nbrefactor-all-clear')).toBeVisible();
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);
    await expect(count).toHaveText('No warnings');
  });

  test('the toolbar count opens the panel, closed by default', async ({
    openInNotebook7
  }) => {
    const page = await openInNotebook7('count.ipynb', notebookJSON(X_READER));
    await cellRunner(page)(2, 1);
    const count = page.locator('.jp-nbrefactor-toolbar-warnings-button');
    await expect(count).toHaveText('1 warning');
    await expect(page.locator('#jp-nbrefactor-panel')).toBeHidden();
    await count.click();
    await expect(page.locator('#jp-nbrefactor-panel')).toBeVisible();
  });

  test('Run › Run Stale Cells reruns the reader of a value changed above it', async ({
    openInNotebook7
  }) => {
    const page = await openInNotebook7('stale.ipynb', notebookJSON(X_READER));
    const run = cellRunner(page);
    // In notebook order: x = 10 below the reader is forward flow.
    await run(0, 1, 2);
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);

    // Cell 1, above the reader, runs again with another value.
    await cellAt(page, 0).locator('.jp-InputArea-editor').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('x = 5');
    await run(0);
    await expect(cellAt(page, 1).locator('.jp-nbrefactor-marker')).toHaveText([
      'stale'
    ]);
    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(1);

    await page.locator('.lm-MenuBar-itemLabel', { hasText: 'Run' }).click();
    await page.getByRole('menuitem', { name: 'Run Stale Cells' }).click();

    await expect(page.locator('.jp-nbrefactor-marker')).toHaveCount(0);
    await expect(cellAt(page, 1).locator('.jp-InputArea-prompt')).toHaveText(
      /^\[5\]:/
    );
  });

  test('Extract Function… moves a cell into a module the kernel then imports', async ({
    openInNotebook7,
    request,
    tmpPath
  }) => {
    const page = await openInNotebook7(
      'pick.ipynb',
      notebookJSON([
        'data = [3, 1, 2]',
        'ordered = sorted(data)\ntop = ordered[-1]',
        'print(top)'
      ])
    );
    const run = cellRunner(page);
    await run(0, 1, 2);
    await expect(cellAt(page, 2).locator('.jp-OutputArea-output')).toHaveText(
      '3'
    );

    const prompt = cellAt(page, 1).locator('.jp-InputArea-prompt');
    await prompt.click();
    await prompt.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Extract Function…' }).click();

    const dialog = page.locator('.jp-nbrefactor-extract-dialog');
    await dialog.locator('.jp-nbrefactor-extract-name').fill('largest');
    await expect(dialog.locator('.jp-nbrefactor-extract-params li')).toHaveText(
      ['data']
    );
    await expect(
      dialog.locator('.jp-nbrefactor-extract-returns li')
    ).toHaveText(['top']);
    await expect(
      dialog.locator('.jp-nbrefactor-extract-replacement')
    ).toHaveText('from src.steps import largest\ntop = largest(data)');
    await closeDialog(dialog, 'accept');
    await expect(
      page.getByText(`Moved 1 cell into src/steps.py, function largest.`)
    ).toBeVisible();

    await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(3);
    await expect(cellAt(page, 1).locator('.cm-line')).toHaveText([
      'from src.steps import largest',
      'top = largest(data)'
    ]);
    expect(
      await contentsOf(request).fileExists(`${tmpPath}/src/__init__.py`)
    ).toBe(true);
    const module = await (
      await request.get(
        `/api/contents/${tmpPath}/src/steps.py?type=file&format=text&content=1`
      )
    ).json();
    expect(module.content).toContain('def largest(data):');

    // The kernel imports the new module; the cell below gets the same value.
    await run(1, 2);
    await expect(cellAt(page, 2).locator('.jp-OutputArea-output')).toHaveText(
      '3'
    );
  });

  test('Check Reproducibility runs the saved notebook from the panel', async ({
    openInNotebook7
  }) => {
    test.setTimeout(120_000);
    const page = await openInNotebook7(
      'check.ipynb',
      notebookJSON(['x = 1', 'y = x * 2', 'z = y + 1'])
    );
    const section = (await openPanelFromViewMenu(page)).locator(
      '.jp-nbrefactor-verify'
    );
    const check = section.locator(
      '[data-command="nbrefactor:check-reproducibility"]'
    );
    await expect(check).toBeEnabled();
    await check.click();
    await expect(section.locator('.jp-nbrefactor-verify-summary')).toHaveText(
      'Restart & Run All reproduces all 3 outputs.',
      { timeout: 90_000 }
    );
    await expect(section.locator('.jp-nbrefactor-verify-when')).toContainText(
      'checked just now, in '
    );
  });
});
