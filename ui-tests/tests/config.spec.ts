import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { openExample } from './helpers';

const LOAD_CELL =
  'from src.config import load_config\n\nconfig = load_config("config.yaml")';

async function sources(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    return Array.from(panel.content.model.cells, (cell: any) =>
      cell.sharedModel.getSource()
    );
  });
}

async function readFile(
  page: IJupyterLabPageFixture,
  filePath: string
): Promise<string | null> {
  return page.evaluate(async p => {
    try {
      const model = await window.jupyterapp.serviceManager.contents.get(p, {
        content: true,
        type: 'file',
        format: 'text'
      });
      return model.content as string;
    } catch {
      return null;
    }
  }, filePath);
}

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

    await page.notebook
      .getCellLocator(4)
      .then(cell =>
        cell!.locator('.jp-InputArea-prompt').click({ button: 'right' })
      );
    await page
      .getByRole('menuitem', { name: 'Move Parameters to Config…' })
      .click();
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
    await page.notebook.selectCells(0);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');
    await expect.poll(() => sources(page)).toEqual(original);
    expect(await readFile(page, `${tmpPath}/config.yaml`)).toBe(yaml);
  });
});
