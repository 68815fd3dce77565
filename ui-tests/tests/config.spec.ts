import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import {
  closeDialog,
  fromCellMenu,
  notebookJSON,
  openExample,
  openHealth,
  openNotebook,
  readFile,
  selectInCommandMode,
  sources
} from './helpers';

const LOAD_CELL =
  'from src.config import load_config\n\nconfig = load_config("config.yaml")';

/** A Python expression evaluated silently in the notebook's kernel. */
async function inKernel(
  page: IJupyterLabPageFixture,
  expression: string
): Promise<string> {
  return page.evaluate(async code => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    const kernel = panel.sessionContext.session.kernel;
    const reply = await kernel.requestExecute({
      code: '',
      silent: true,
      store_history: false,
      user_expressions: { value: code }
    }).done;
    const value = reply.content.user_expressions.value;
    return value.status === 'ok'
      ? String(value.data['text/plain'])
      : `${value.ename}: ${value.evalue}`;
  }, expression);
}

test.describe('Move Parameters to Config…', () => {
  test('the dialog lists the parameters, Move writes config.yaml and loads it in the kernel, Undo restores the cells', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    await page.notebook.runCell(1); // a kernel that is running
    const original = await sources(page);

    await fromCellMenu(page, 4, 'Move Parameters to Config…');
    const dialog = page.locator('.jp-nbrefactor-config-dialog');
    const rows = dialog.locator('.jp-nbrefactor-config-candidate');
    await expect(rows).toHaveCount(14);
    await expect(rows.first().locator('.jp-nbrefactor-config-key')).toHaveValue(
      'data.data_path'
    );
    await expect(
      dialog.locator(
        '[data-key="model.n_estimators"] .jp-nbrefactor-config-value'
      )
    ).toHaveText('60');
    await expect(
      dialog.locator(
        '[data-key="model.n_estimators"] .jp-nbrefactor-config-where'
      )
    ).toHaveText('cell 34, line 1');

    // leave the report's digits in the notebook
    await dialog
      .getByRole('checkbox', { name: 'Move classification_report(digits=…)' })
      .uncheck();
    await expect(
      dialog.locator('.jp-nbrefactor-config-yaml')
    ).not.toContainText('digits');
    await expect(dialog.locator('.jp-nbrefactor-config-yaml')).toContainText(
      'n_estimators: 60'
    );
    await expect(dialog.locator('.jp-nbrefactor-config-load')).toHaveText(
      LOAD_CELL
    );
    await dialog.locator('.jp-mod-accept').click();

    await expect.poll(async () => (await sources(page))[1]).toBe(LOAD_CELL);
    const after = await sources(page);
    expect(after).toHaveLength(original.length + 1);
    expect(after[4]).toBe(
      'DATA_PATH = config["data"]["data_path"]\nSEED = config["seed"]\nTEST_SIZE = config["split"]["test_size"]\n' +
        original[3].split('\n').slice(3).join('\n')
    );
    expect(after[34]).toContain('n_estimators=config["model"]["n_estimators"]');
    expect(after[36]).toBe(original[35]); // digits=3 stays

    const yaml = await readFile(page, `${tmpPath}/config.yaml`);
    expect(yaml).toContain('model:\n  n_estimators: 60\n');
    expect(yaml).not.toContain('digits');
    expect(await readFile(page, `${tmpPath}/src/config.py`)).toContain(
      'def load_config('
    );
    await expect(page.locator('.jp-toast-message')).toContainText(
      'Moved 13 parameters to config.yaml.'
    );
    // the kernel has config without a restart
    expect(await inKernel(page, 'config["model"]["n_estimators"]')).toBe('60');

    // one undo step brings the cells back; the file stays as written
    await selectInCommandMode(page, 0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => sources(page)).toEqual(original);
    expect(await readFile(page, `${tmpPath}/config.yaml`)).toBe(yaml);
  });

  test('an existing config.yaml: its comments stay, a clashing key gets another name, a renamed key goes where the person says', async ({
    page,
    tmpPath
  }) => {
    const existing =
      '# tuned by hand: keep\nmodel:\n  n_estimators: 100  # trees\n';
    await page.contents.uploadContent(
      existing,
      'text',
      `${tmpPath}/config.yaml`
    );
    await openExample(page, tmpPath);

    // the command resolves when the dialog closes
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute(
        'nbrefactor:move-parameters-to-config'
      );
    });
    const dialog = page.locator('.jp-nbrefactor-config-dialog');
    const trees = dialog.locator('[data-key="model.n_estimators_2"]');
    await expect(trees.locator('.jp-nbrefactor-config-clash')).toHaveText(
      'model.n_estimators already holds another value in the config file: this one goes under model.n_estimators_2 (or rename it, or leave it out)'
    );
    const yamlPreview = dialog.locator('.jp-nbrefactor-config-yaml');
    await expect(yamlPreview).toContainText('n_estimators_2: 60');

    // renaming it back onto the file's key is refused, never an overwrite
    const treesKey = trees.locator('.jp-nbrefactor-config-key');
    await treesKey.fill('model.n_estimators');
    await treesKey.press('Enter');
    await expect(dialog.locator('.jp-nbrefactor-config-refusal')).toContainText(
      'the file is never overwritten'
    );
    await expect(yamlPreview).toHaveCount(0);
    await treesKey.fill('model.trees');
    await treesKey.press('Enter');
    await expect(dialog.locator('.jp-nbrefactor-config-refusal')).toHaveCount(
      0
    );

    const seedKey = dialog.locator(
      '[data-key="seed"] .jp-nbrefactor-config-key'
    );
    await seedKey.fill('training.seed');
    await seedKey.press('Enter');
    await expect(yamlPreview).toContainText('training:\n  seed: 42');
    await expect(yamlPreview).toContainText('trees: 60');
    await dialog.locator('.jp-mod-accept').click();

    await expect(page.locator('.jp-toast-message')).toContainText(
      'Moved 14 parameters to config.yaml.'
    );
    const yaml = (await readFile(page, `${tmpPath}/config.yaml`))!;
    expect(yaml.startsWith(existing)).toBe(true);
    expect(yaml).toContain('training:\n  seed: 42\n');
    const after = await sources(page);
    expect(after[4]).toContain('SEED = config["training"]["seed"]');
    expect(after[34]).toContain('n_estimators=config["model"]["trees"]');
    expect(await inKernel(page, 'config["model"]["n_estimators"]')).toBe('100');
  });

  test('from the palette, a notebook without parameters says so and offers nothing to move', async ({
    page,
    tmpPath
  }) => {
    const cells = ['x = 1\nprint(x)', 'print("done")'];
    await openNotebook(page, tmpPath, 'plain.ipynb', notebookJSON(cells));

    // the modal palette closes when the opening notebook takes the focus: open it again
    await expect(async () => {
      await page.evaluate(() => {
        void window.jupyterapp.commands.execute(
          'apputils:activate-command-palette'
        );
      });
      await page
        .locator('.lm-CommandPalette-input')
        .fill('Move Parameters to Config', { timeout: 2000 });
      await page
        .locator('.lm-CommandPalette-item', {
          hasText: 'Move Parameters to Config'
        })
        .first()
        .click({ timeout: 2000 });
    }).toPass({ timeout: 30000 });
    const dialog = page.locator('.jp-nbrefactor-config-dialog');
    await expect(dialog.locator('.jp-nbrefactor-config-empty')).toHaveText(
      'No hard-coded parameters found: no literal that later cells read, no literal setting of a model or a split, no data path.'
    );
    await expect(dialog.locator('.jp-mod-accept')).toBeDisabled();
    await closeDialog(dialog, 'reject');

    expect(await sources(page)).toEqual(cells);
    expect(await readFile(page, `${tmpPath}/config.yaml`)).toBeNull();
  });

  test('the Health tab counts the hard-coded parameters and opens the dialog', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    const panel = await openHealth(page);
    await expect(
      panel.locator('.jp-nbrefactor-health-parameters-count')
    ).toHaveText('14 hard-coded parameters');

    await panel.locator('.jp-nbrefactor-health-parameters-move').click();
    const dialog = page.locator('.jp-nbrefactor-config-dialog');
    await expect(dialog.locator('.jp-nbrefactor-config-candidate')).toHaveCount(
      14
    );
    await closeDialog(dialog, 'reject');
    expect(await readFile(page, `${tmpPath}/config.yaml`)).toBeNull();
  });
});
