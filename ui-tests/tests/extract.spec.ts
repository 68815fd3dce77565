import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

import {
  cell,
  closeDialog,
  docsImage,
  fromCellMenu,
  openExample,
  openPanel,
  readFile,
  restartAndRunAll,
  selectInCommandMode,
  sources
} from './helpers';

const SCREENSHOT = docsImage('extract-dialog.png');
/** Cells 29-31: the feature columns, the dummies, X and y. */
const FIRST = 28;
const LAST = 30;
const CELLS_BEFORE = 48;
/** What the server suggests for cells 29-31: the section "## Features" names the module. */
const MODULE = 'src/features.py';
const NAME = 'compute_features';
const REPLACEMENT = `from src.features import ${NAME}\nX, y = ${NAME}(df)`;

/** Every text a person reads in the outputs, in notebook order (stdout lines, text/plain, errors). */
async function textOutputs(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    const texts: string[] = [];
    for (const cell of panel.content.model.cells) {
      if (cell.type !== 'code') {
        continue;
      }
      for (const output of cell.outputs.toJSON()) {
        if (output.output_type === 'stream') {
          texts.push(
            ...String(output.text)
              .split('\n')
              .filter((line: string) => line.length > 0)
              .map((line: string) => `${output.name}: ${line}`)
          );
        } else if (output.output_type === 'error') {
          texts.push(`error: ${output.ename}: ${output.evalue}`);
        } else if (output.data?.['text/plain'] !== undefined) {
          texts.push(String(output.data['text/plain']));
        }
      }
    }
    return texts;
  });
}

/**
 * Select cells `first` (to `last`) and press `shortcut` (Alt+Shift+E: Extract
 * Function…, Alt+Shift+M: Move to Module): the dialog it opens.
 */
async function openDialog(
  page: IJupyterLabPageFixture,
  shortcut: string,
  first: number,
  last?: number
): Promise<Locator> {
  await selectInCommandMode(page, first, last);
  await page.keyboard.press(shortcut);
  return page.locator('.jp-nbrefactor-extract-dialog');
}

/**
 * The refused dialog's link names cell 4, line 4; a click closes the dialog
 * and makes cell 4 the active cell.
 */
async function followGoToLink(
  page: IJupyterLabPageFixture,
  dialog: Locator
): Promise<void> {
  await expect(dialog.locator('.jp-nbrefactor-extract-goto')).toHaveText(
    'Go to cell 4, line 4'
  );
  await dialog.locator('.jp-nbrefactor-extract-goto').click();
  await expect(dialog).toHaveCount(0);
  await expect(await cell(page, 3)).toHaveClass(/jp-mod-active/);
}

/** Accept the enabled dialog; resolves once cells 29-31 became one (the notebook is two cells shorter). */
async function acceptExtraction(
  page: IJupyterLabPageFixture,
  dialog: Locator
): Promise<void> {
  await closeDialog(dialog, 'accept');
  await expect
    .poll(async () => (await sources(page)).length)
    .toBe(CELLS_BEFORE - 2);
}

/** Ctrl+Z (in command mode) brings back the `original` cells, and the outputs of cells 30 and 31. */
async function ctrlZRestores(
  page: IJupyterLabPageFixture,
  original: string[]
): Promise<void> {
  await page.keyboard.press('Control+z');
  await expect.poll(() => sources(page)).toEqual(original);
  // Outputs render a moment after the sources.
  const output = async (index: number) =>
    ((await page.notebook.getCellTextOutput(index)) ?? []).join('');
  await expect
    .poll(() => output(LAST - 1))
    .toContain('contract_Month-to-month');
  await expect.poll(() => output(LAST)).toContain('(2000, 20) (2000,)');
}

/** Extract cells 29-31 with the keyboard shortcut and the dialog's defaults (or `name`). */
async function extractFeatures(
  page: IJupyterLabPageFixture,
  name?: string,
  moduleState = 'new file'
): Promise<void> {
  const dialog = await openDialog(page, 'Alt+Shift+E', FIRST, LAST);
  if (name) {
    await dialog.locator('.jp-nbrefactor-extract-name').fill(name);
  }
  await expect(dialog.locator('.jp-nbrefactor-extract-params li')).toHaveText([
    'df'
  ]);
  await expect(
    dialog.locator('.jp-nbrefactor-extract-heading').last()
  ).toHaveText(`${MODULE} (${moduleState})`);
  await expect(dialog.locator('.jp-mod-accept')).toBeEnabled();
  await acceptExtraction(page, dialog);
}

test.describe('Extract function and move to module', () => {
  // Galata's kernel tracking answers every POST under /api/kernels with 201,
  // restarts included, and JupyterLab then never sees the restarted kernel
  // idle. Sessions are still tracked, so the kernel is shut down at the end.
  test.use({ kernels: null });

  test.beforeEach(async ({ page, tmpPath }) => {
    await openExample(page, tmpPath);
  });

  test('extracts three cells into a function, runs the same, and undoes in one step', async ({
    page,
    tmpPath
  }) => {
    // The notebook runs twice (about 20 s each on a 2-core machine).
    test.setTimeout(300_000);
    await page.notebook.run();
    const before = await textOutputs(page);
    const original = await sources(page);
    expect(original).toHaveLength(CELLS_BEFORE);
    expect(before).toContain('stdout: (2000, 20) (2000,)');

    // Tall enough for the screenshot to show the module's function.
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.notebook.selectCells(FIRST, LAST);
    await fromCellMenu(page, LAST, 'Extract Function…');

    const dialog = page.locator('.jp-nbrefactor-extract-dialog');
    await expect(dialog.locator('.jp-nbrefactor-extract-name')).toHaveValue(
      NAME
    );
    await expect(dialog.locator('.jp-nbrefactor-extract-module')).toHaveValue(
      MODULE
    );
    await expect(dialog.locator('.jp-nbrefactor-extract-params li')).toHaveText(
      ['df']
    );
    await expect(
      dialog.locator('.jp-nbrefactor-extract-returns li')
    ).toHaveText(['X', 'y']);
    await expect(
      dialog.locator('.jp-nbrefactor-extract-replacement')
    ).toHaveText(REPLACEMENT);
    await expect(
      dialog.locator('.jp-nbrefactor-extract-module-source')
    ).toContainText(`def ${NAME}(df):`);
    await expect(dialog.locator('.jp-mod-accept')).toBeEnabled();
    await dialog.locator('.jp-Dialog-content').screenshot({ path: SCREENSHOT });

    await dialog.locator('.jp-mod-accept').click();
    await expect(
      page.getByText(
        `Moved 3 cells into ${MODULE}, function ${NAME}. Check it: Verify, or Restart & Run All.`
      )
    ).toBeVisible();

    // The replacement cell inherits the runs of the cells it replaces: the
    // sidebar's execution timeline shows no deleted cells, and the new cell
    // ran as often as the three it replaces.
    const panel = await openPanel(page);
    const replacementId = await page.evaluate(
      i =>
        (window.jupyterapp.shell.currentWidget as any).content.model.cells.get(
          i
        ).id as string,
      FIRST
    );
    const runs = panel.locator('.jp-nbrefactor-run');
    await expect(
      runs.and(page.locator(`[data-cell-id="${replacementId}"]`))
    ).toHaveCount(LAST - FIRST + 1);
    await expect(runs.and(page.locator('[data-deleted="true"]'))).toHaveCount(
      0
    );

    const after = await sources(page);
    expect(after).toEqual([
      ...original.slice(0, FIRST),
      REPLACEMENT,
      ...original.slice(LAST + 1)
    ]);
    const module = await readFile(page, `${tmpPath}/${MODULE}`);
    expect(module).toContain(`def ${NAME}(df):`);
    expect(module).toContain('    return X, y\n');
    expect(await page.contents.fileExists(`${tmpPath}/src/__init__.py`)).toBe(
      true
    );

    await restartAndRunAll(page);
    expect(await textOutputs(page)).toEqual(before);

    // One Ctrl+Z in command mode (Undo Cell Operation) brings the three
    // cells back, outputs included; the module the extraction created goes
    // too, with src/__init__.py. (The restart began a new run log: that the
    // restored cells get their runs back is the next test.)
    await selectInCommandMode(page, FIRST);
    await ctrlZRestores(page, original);
    await expect
      .poll(() => page.contents.fileExists(`${tmpPath}/${MODULE}`))
      .toBe(false);
    expect(await page.contents.fileExists(`${tmpPath}/src/__init__.py`)).toBe(
      false
    );
  });

  test('undo hands the runs back to the restored cells', async ({ page }) => {
    test.setTimeout(120_000);
    await page.notebook.run();
    const original = await sources(page);
    await extractFeatures(page);
    const runs = (await openPanel(page)).locator('.jp-nbrefactor-run');
    await selectInCommandMode(page, FIRST);
    await ctrlZRestores(page, original);
    const restoredIds = await page.evaluate(
      ([first, last]) => {
        const cells = (window.jupyterapp.shell.currentWidget as any).content
          .model.cells;
        const ids: string[] = [];
        for (let i = first; i <= last; i++) {
          ids.push(cells.get(i).id);
        }
        return ids;
      },
      [FIRST, LAST]
    );
    for (const id of restoredIds) {
      await expect(
        runs.and(page.locator(`[data-cell-id="${id}"]`))
      ).not.toHaveCount(0);
    }
    await expect(runs.and(page.locator('[data-deleted="true"]'))).toHaveCount(
      0
    );
  });

  test('the notification offers to undo and to open the module', async ({
    page,
    tmpPath
  }) => {
    const original = await sources(page);
    await extractFeatures(page);
    await page
      .locator('.Toastify__toast', { hasText: `function ${NAME}.` })
      .getByRole('button', { name: 'Undo' })
      .click();
    await expect.poll(() => sources(page)).toEqual(original);
    // Undo undoes everything: the module it created is gone ...
    await expect(
      page.getByText(`Undone: the cells are back and ${MODULE} was removed.`)
    ).toBeVisible();
    expect(await page.contents.fileExists(`${tmpPath}/${MODULE}`)).toBe(false);
    expect(await page.contents.fileExists(`${tmpPath}/src/__init__.py`)).toBe(
      false
    );

    // ... so the same extraction is accepted again, into a new file.
    await extractFeatures(page);
    await page
      .locator('.Toastify__toast', { hasText: `function ${NAME}.` })
      .last()
      .getByRole('button', { name: 'Open module' })
      .click();
    await expect(
      page.locator('.jp-FileEditor .cm-content', {
        hasText: `def ${NAME}(df):`
      })
    ).toBeVisible();
  });

  test('undo keeps a module changed since the extraction, and says so', async ({
    page,
    tmpPath
  }) => {
    const original = await sources(page);
    await extractFeatures(page);
    const written = await readFile(page, `${tmpPath}/${MODULE}`);
    expect(written).not.toBeNull();
    const changed = `${written}\n\ndef mine():\n    return 1\n`;
    await page.evaluate(
      async ([p, content]) => {
        await window.jupyterapp.serviceManager.contents.save(p, {
          type: 'file',
          format: 'text',
          content
        });
      },
      [`${tmpPath}/${MODULE}`, changed]
    );
    await selectInCommandMode(page, FIRST);
    await page.keyboard.press('Control+z');
    await expect.poll(() => sources(page)).toEqual(original);
    await expect(
      page.getByText(
        `The cells are back; ${MODULE} changed since the extraction, so it was kept.`
      )
    ).toBeVisible();
    expect(await readFile(page, `${tmpPath}/${MODULE}`)).toBe(changed);
  });

  test('code and a heading: Alt Shift E moves the code cells, the markdown stays', async ({
    page,
    tmpPath
  }) => {
    const original = await sources(page);
    // Cell 25 (code), cell 26 ("## Features"), cell 27 (code).
    const dialog = await openDialog(page, 'Alt+Shift+E', 24, 26);
    await expect(dialog.locator('.jp-nbrefactor-extract-kept')).toHaveText(
      'Markdown cell 26 stays in the notebook, where it is.'
    );
    await expect(dialog.locator('.jp-nbrefactor-extract-name')).toHaveValue(
      'explore_data'
    );
    await expect(dialog.locator('.jp-mod-accept')).toBeEnabled();
    await closeDialog(dialog, 'accept');
    await expect
      .poll(() => sources(page))
      .toEqual([
        ...original.slice(0, 24),
        'from src.exploration import explore_data\nexplore_data(df)',
        original[25],
        ...original.slice(27)
      ]);
    expect(await readFile(page, `${tmpPath}/src/exploration.py`)).toContain(
      'def explore_data(df):'
    );
  });

  test('a refused selection shows why, links to the cell, and writes nothing', async ({
    page,
    tmpPath
  }) => {
    // Cell 4 sets options (pd.set_option) besides constants: it cannot move as is.
    const dialog = await openDialog(page, 'Alt+Shift+M', 3);
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Move to Module'
    );
    await expect(dialog.locator('.jp-nbrefactor-extract-reason')).toHaveText(
      'cell 4 line 4: only imports, def, class and constant assignments can move as they are (use Extract Function… for other code)'
    );
    await expect(dialog.locator('.jp-mod-accept')).toBeDisabled();
    await expect(dialog.locator('.jp-nbrefactor-extract-preview')).toHaveCount(
      0
    );

    await followGoToLink(page, dialog);
    expect(
      await page.evaluate(() => {
        const panel = window.jupyterapp.shell.currentWidget as any;
        return panel.content.activeCell.editor.getCursorPosition().line;
      })
    ).toBe(3);
    expect(await page.contents.directoryExists(`${tmpPath}/src`)).toBe(false);
    expect(await sources(page)).toHaveLength(CELLS_BEFORE);
  });

  test('the refusal link lands on the cell and line it names, not on the active cell', async ({
    page
  }) => {
    // Cells 3-4 selected from cell 4 upwards: cell 3 is the active one.
    await selectInCommandMode(page, 3);
    await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Alt+Shift+M');
    const dialog = page.locator('.jp-nbrefactor-extract-dialog');
    await followGoToLink(page, dialog);
    await expect
      .poll(() =>
        page.evaluate(() => {
          const panel = window.jupyterapp.shell.currentWidget as any;
          return [
            panel.content.activeCellIndex,
            panel.content.activeCell.editor.getCursorPosition().line
          ];
        })
      )
      .toEqual([3, 3]);
  });

  test('a parameter renamed in the dialog is the name in the module; the call passes the same variable', async ({
    page,
    tmpPath
  }) => {
    const dialog = await openDialog(page, 'Alt+Shift+E', FIRST, LAST);
    const param = dialog.getByLabel('Name of parameter df');
    await expect(param).toHaveValue('df');
    await param.fill('customers');
    await expect(
      dialog.locator('.jp-nbrefactor-extract-module-source')
    ).toContainText(`def ${NAME}(customers):`);
    await expect(dialog.locator('.jp-mod-accept')).toBeEnabled();
    await closeDialog(dialog, 'accept');
    await expect
      .poll(async () => (await sources(page))[FIRST])
      .toBe(REPLACEMENT);
    const module = await readFile(page, `${tmpPath}/${MODULE}`);
    expect(module).toContain(`def ${NAME}(customers):`);
    expect(module).not.toMatch(/\bdf\b/);
  });

  test('Ctrl+Z right after the extraction brings the cells back with their outputs', async ({
    page
  }) => {
    const original = await sources(page);
    await extractFeatures(page);
    // The notebook has the focus, in command mode, on the replacement cell.
    const notebook = page.locator('.jp-NotebookPanel-notebook');
    await expect(notebook).toHaveClass(/jp-mod-commandMode/);
    await expect(await cell(page, FIRST)).toHaveClass(/jp-mod-active/);
    expect(
      await notebook.evaluate(node => node.contains(document.activeElement))
    ).toBe(true);

    // The outputs saved with the example notebook come back too.
    await ctrlZRestores(page, original);
  });

  test('overwrites a function the module already defines, only when asked', async ({
    page,
    tmpPath
  }) => {
    await page.evaluate(async p => {
      const contents = window.jupyterapp.serviceManager.contents;
      await contents.save(`${p}/src`, { type: 'directory' });
      await contents.save(`${p}/src/features.py`, {
        type: 'file',
        format: 'text',
        content: 'def compute_features(df):\n    return None, None\n'
      });
    }, tmpPath);
    const dialog = await openDialog(page, 'Alt+Shift+E', FIRST, LAST);
    // The suggestion avoids the module's names; the person types the taken one.
    await expect(dialog.locator('.jp-nbrefactor-extract-name')).toHaveValue(
      `${NAME}_2`
    );
    await dialog.locator('.jp-nbrefactor-extract-name').fill(NAME);
    await expect(dialog.locator('.jp-nbrefactor-extract-reason')).toHaveText(
      `${MODULE} already defines ${NAME}: choose another name (or ask to overwrite)`
    );
    await expect(dialog.locator('.jp-mod-accept')).toBeDisabled();
    const overwrite = dialog.getByRole('checkbox', {
      name: 'Overwrite existing definitions'
    });
    await expect(overwrite).not.toBeChecked();

    await overwrite.check();
    await expect(dialog.locator('.jp-nbrefactor-extract-reason')).toHaveCount(
      0
    );
    await expect(
      dialog.locator('.jp-nbrefactor-extract-heading').last()
    ).toHaveText(`${MODULE} (merged into the existing file)`);
    await acceptExtraction(page, dialog);
    const module = await readFile(page, `${tmpPath}/${MODULE}`);
    expect(module!.match(/^def compute_features\(df\):/gm)).toHaveLength(1);
    expect(module).toContain('return X, y');
  });

  test('is disabled for markdown cells', async ({ page }) => {
    await page.notebook.selectCells(0);
    const enabled = await page.evaluate(() => [
      window.jupyterapp.commands.isEnabled('nbrefactor:extract-function'),
      window.jupyterapp.commands.isEnabled('nbrefactor:move-to-module')
    ]);
    expect(enabled).toEqual([false, false]);
  });
});
