/**
 * Stale after a module edit (issue 17): extract a function into
 * src/features.py, run it, edit the module in JupyterLab's editor and save:
 * the calling cell is marked stale; Reload Module makes the next run use the
 * new code; a plain write to the file (not through JupyterLab) is noticed
 * within 2 s. The 150 ms figure is measured by bench-modules.spec.ts.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import {
  cell,
  closeDialog,
  notebookJSON,
  openNotebook,
  openPanel,
  selectInCommandMode
} from './helpers';

const NOTEBOOK = 'modules.ipynb';
const STILL_OLD =
  'src/features.py changed after this cell ran: the kernel still has the old `engineer_features`';

/** The output text of cell `index`. */
async function output(
  page: IJupyterLabPageFixture,
  index: number
): Promise<string> {
  return (
    (await (await cell(page, index)).locator('.jp-OutputArea').textContent()) ??
    ''
  );
}

/** The title (the reasons) of the stale marker of cell `index`, or null. */
async function staleReason(
  page: IJupyterLabPageFixture,
  index: number
): Promise<string | null> {
  const marker = (await cell(page, index)).locator(
    '.jp-nbrefactor-marker-stale'
  );
  return (await marker.count()) ? marker.getAttribute('title') : null;
}

/** Extract cell 1 (`y = x * 10`) into src/features.py as engineer_features. */
async function extract(page: IJupyterLabPageFixture): Promise<void> {
  await selectInCommandMode(page, 1, 1);
  await page.keyboard.press('Alt+Shift+E');
  const dialog = page.locator('.jp-nbrefactor-extract-dialog');
  await dialog.locator('.jp-nbrefactor-extract-name').fill('engineer_features');
  await dialog.locator('.jp-nbrefactor-extract-module').fill('src/features.py');
  await expect(dialog.locator('.jp-nbrefactor-extract-replacement')).toHaveText(
    'from src.features import engineer_features\ny = engineer_features(x)'
  );
  await closeDialog(dialog, 'accept');
}

/**
 * Milliseconds from the end of `write` (run from here; it resolves with the
 * page's performance.now() once its write is done) to the stale marker on the
 * caller, cell 1 of the notebook, watched from before `write` starts.
 */
async function msUntilCallerStale(
  page: IJupyterLabPageFixture,
  write: () => Promise<number>
): Promise<number> {
  await page.evaluate(name => {
    const main = [...(window.jupyterapp.shell as any).widgets('main')];
    const panel = main.find((w: any) => w.context?.path?.endsWith(name));
    const caller = panel.content.widgets[1].node as HTMLElement;
    (window as any).callerMarked = new Promise<number>(resolve => {
      const observer = new MutationObserver(() => {
        if (caller.querySelector('.jp-nbrefactor-marker-stale')) {
          observer.disconnect();
          resolve(performance.now());
        }
      });
      observer.observe(caller, { subtree: true, childList: true });
    });
  }, NOTEBOOK);
  const written = await write();
  const marked = await page.evaluate(
    () => (window as any).callerMarked as Promise<number>
  );
  return marked - written;
}

test.describe('Stale after a module edit', () => {
  test.use({ kernels: null });

  test('an edit saved in JupyterLab marks the caller; Reload Module; an external write', async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(240_000);
    await openNotebook(
      page,
      tmpPath,
      NOTEBOOK,
      notebookJSON(['x = 1', 'y = x * 10', 'print(y)', ''])
    );
    await page.notebook.run();
    await expect.poll(() => output(page, 2)).toContain('10');
    await extract(page);
    await page.notebook.runCell(1); // the replacement cell
    await page.notebook.runCell(2);
    await expect.poll(() => output(page, 2)).toContain('10');
    // a cell that only calls the function (Reload Module must rebind its name)
    await page.notebook.setCell(3, 'code', 'print(engineer_features(3))');
    await page.notebook.runCell(3);
    await expect.poll(() => output(page, 3)).toContain('30');
    await expect.poll(() => staleReason(page, 1)).toBeNull();
    expect(await staleReason(page, 3)).toBeNull();

    // Edit the function in JupyterLab's editor and save.
    const path = `${tmpPath}/src/features.py`;
    await page.evaluate(async path => {
      const editor: any = await window.jupyterapp.commands.execute(
        'docmanager:open',
        { path, factory: 'Editor' }
      );
      await editor.context.ready;
      const model = editor.content.model.sharedModel;
      model.setSource(model.getSource().replace('x * 10', 'x * 100'));
    }, path);
    const took = await msUntilCallerStale(page, () =>
      page.evaluate(async path => {
        const main = [...(window.jupyterapp.shell as any).widgets('main')];
        const editor = main.find((w: any) => w.context?.path === path);
        await editor.context.save();
        return performance.now();
      }, path)
    );
    console.log(`save -> caller marked stale: ${took.toFixed(0)} ms`);
    expect(took).toBeLessThan(2000); // the 150 ms target is measured by the bench spec

    await page.notebook.activate(NOTEBOOK);
    expect(await staleReason(page, 1)).toBe(STILL_OLD);
    await expect.poll(() => staleReason(page, 3)).toBe(STILL_OLD);
    expect(await staleReason(page, 2)).toBeNull(); // it depends on the stale cell
    await expect(
      (await cell(page, 2)).locator('.jp-nbrefactor-marker-depends-on-stale')
    ).toHaveCount(1);

    // The sidebar offers Reload Module on the warning.
    const panel = await openPanel(page);
    await expect(panel.getByText(STILL_OLD)).toHaveCount(2); // cells 1 and 3
    await expect(panel.getByText(STILL_OLD).first()).toBeVisible();
    const reload = panel
      .locator('button[data-command="nbrefactor:reload-module"]')
      .first();
    await expect(reload).toHaveText('Reload Module src/features.py');
    await reload.click();
    await expect
      .poll(() => staleReason(page, 1))
      .toBe(
        'src/features.py changed after this cell ran: its result came from the old `engineer_features`; re-run to use the new code'
      );
    await expect(reload).toHaveCount(0);
    // the name was rebound: a cell that only calls it runs the new code
    await page.notebook.runCell(3);
    await expect.poll(() => output(page, 3)).toContain('300');
    await expect.poll(() => staleReason(page, 3)).toBeNull();
    await page.notebook.runCell(1);
    await page.notebook.runCell(2);
    await expect.poll(() => output(page, 2)).toContain('100');
    await expect.poll(() => staleReason(page, 1)).toBeNull();

    // A plain write by another process: the kernel writes the file itself,
    // silently (no run is recorded, nothing goes through JupyterLab).
    const noticed = await msUntilCallerStale(page, () =>
      page.evaluate(async () => {
        const panel: any = window.jupyterapp.shell.currentWidget;
        await panel.sessionContext.session.kernel.requestExecute({
          code:
            "p = __import__('pathlib').Path('src/features.py')\n" +
            "p.write_text(p.read_text().replace('x * 100', 'x * 1000'))\n" +
            'del p',
          silent: true,
          store_history: false
        }).done;
        return performance.now();
      })
    );
    console.log(
      `external write -> caller marked stale: ${noticed.toFixed(0)} ms`
    );
    expect(noticed).toBeLessThan(2000);
    expect(await staleReason(page, 1)).toBe(STILL_OLD);
  });
});

test.describe('Stale after a module edit, modules written beforehand', () => {
  test.use({ kernels: null });

  test('Run All, then writes outside JupyterLab: a comment or an unused function is no warning, a used one is', async ({
    page,
    tmpPath
  }) => {
    test.setTimeout(180_000);
    const module = (factor: number, unused: string) =>
      `# features\ndef engineer_features(x):\n    return x * ${factor}\n\n\n` +
      `def unused(x):\n    return ${unused}\n`;
    const write = (text: string) =>
      page.contents.uploadContent(text, 'text', `${tmpPath}/src/features.py`);
    await page.contents.uploadContent('', 'text', `${tmpPath}/src/__init__.py`);
    await write(module(10, 'x'));
    await openNotebook(
      page,
      tmpPath,
      NOTEBOOK,
      notebookJSON([
        'x = 1',
        'from src.features import engineer_features\ny = engineer_features(x)',
        'print(y)',
        'print(engineer_features(2))'
      ])
    );
    await page.notebook.run();
    await expect.poll(() => output(page, 3)).toContain('20');
    await expect.poll(() => output(page, 2)).toContain('10');
    // the server's page writes the file: no signal in this browser, the poll sees it
    await write(module(10, 'x + 1').replace('# features', '# the features'));
    await page.waitForTimeout(2500);
    for (const index of [1, 2, 3]) {
      expect(await staleReason(page, index)).toBeNull();
    }
    await write(module(100, 'x + 1'));
    await expect
      .poll(() => staleReason(page, 1), { timeout: 5000 })
      .toBe(STILL_OLD);
    expect(await staleReason(page, 3)).toBe(STILL_OLD);
    await expect(
      (await cell(page, 2)).locator('.jp-nbrefactor-marker-depends-on-stale')
    ).toHaveCount(1);
    // Reload Module from the palette's command, then the call-only cell runs the new code
    expect(
      await page.evaluate(() =>
        window.jupyterapp.commands.execute('nbrefactor:reload-module')
      )
    ).toBe(true);
    await page.notebook.runCell(3);
    await expect.poll(() => output(page, 3)).toContain('200');
    await expect.poll(() => staleReason(page, 3)).toBeNull();
    expect(await staleReason(page, 1)).toContain(
      'its result came from the old'
    );
  });
});
