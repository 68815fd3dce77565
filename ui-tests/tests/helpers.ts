/**
 * Set-up shared by the Galata tests: notebooks made for a test, the example
 * notebook and its data, the sidebar, running cells.
 */
import { expect, galata, IJupyterLabPageFixture } from '@jupyterlab/galata';
import { APIRequestContext, Locator, Page } from '@playwright/test';
import * as path from 'path';

/** The example notebook (a test fixture too) and the folder it lives in. */
export const EXAMPLE = 'big_messy_notebook.ipynb';
const EXAMPLES = path.resolve(__dirname, '../../examples');

/** Galata's contents helper: `page.contents`, or one made from a request context. */
export type Contents = IJupyterLabPageFixture['contents'];

export interface IKernelSpec {
  name: string;
  display_name: string;
  language: string;
}

export const PYTHON: IKernelSpec = {
  name: 'python3',
  display_name: 'Python 3 (ipykernel)',
  language: 'python'
};

/** bash_kernel, installed by `make setup`: a kernel that is not Python. */
export const BASH: IKernelSpec = {
  name: 'bash',
  display_name: 'Bash',
  language: 'bash'
};

/**
 * A cell of `notebookJSON`: a code cell's source (never run), a markdown cell,
 * or a code cell saved with its execution count and, unless null, its stdout.
 */
export type CellSource =
  | string
  | { markdown: string }
  | { code: string; count: number; stdout: string | null };

/** A notebook of the given cells, the cell at index `i` with the id `cell-${i}`. */
export function notebookJSON(
  sources: CellSource[],
  kernelspec: IKernelSpec = PYTHON
): string {
  return JSON.stringify({
    cells: sources.map((cell, i) => {
      const id = `cell-${i}`;
      if (typeof cell !== 'string' && 'markdown' in cell) {
        return {
          cell_type: 'markdown',
          id,
          metadata: {},
          source: cell.markdown
        };
      }
      const { code, count, stdout } =
        typeof cell === 'string'
          ? { code: cell, count: null, stdout: null }
          : cell;
      return {
        cell_type: 'code',
        id,
        metadata: {},
        source: code,
        execution_count: count,
        outputs:
          stdout === null
            ? []
            : [{ output_type: 'stream', name: 'stdout', text: stdout }]
      };
    }),
    metadata: {
      kernelspec,
      language_info: { name: kernelspec.language }
    },
    nbformat: 4,
    nbformat_minor: 5
  });
}

/** The contents helper of a test that drives no JupyterLab page. */
export function contentsOf(request: APIRequestContext): Contents {
  return galata.newContentsHelper(request);
}

/** Put the example notebook and its data set into the test's folder. */
async function uploadExample(
  contents: Contents,
  tmpPath: string
): Promise<void> {
  await contents.uploadFile(
    path.join(EXAMPLES, EXAMPLE),
    `${tmpPath}/${EXAMPLE}`
  );
  await contents.uploadFile(
    path.join(EXAMPLES, 'data', 'churn.csv'),
    `${tmpPath}/data/churn.csv`
  );
}

/** Upload a notebook made for the test, open it in JupyterLab and make it current. */
export async function openNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string,
  content: string
): Promise<void> {
  await page.contents.uploadContent(content, 'text', `${tmpPath}/${name}`);
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);
}

/** Upload the example notebook and its data, open it and make it current. */
export async function openExample(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  await uploadExample(page.contents, tmpPath);
  await page.notebook.openByPath(`${tmpPath}/${EXAMPLE}`);
  await page.notebook.activate(EXAMPLE);
}

/** Open the "Notebook refactor" sidebar through its command (JupyterLab or Notebook 7). */
export async function openPanel(page: Page): Promise<Locator> {
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('nbrefactor:open-panel')
  );
  return page.locator('#jp-nbrefactor-panel');
}

/** The sidebar's Health tab, opened through the panel's command and the tab. */
export async function openHealth(page: Page): Promise<Locator> {
  const panel = await openPanel(page);
  await panel.getByRole('tab', { name: 'Health' }).click();
  return panel;
}

/** The sources of the current notebook's cells, in order. */
export async function sources(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    return Array.from(panel.content.model.cells, (cell: any) =>
      cell.sharedModel.getSource()
    );
  });
}

/** A text file's content, read through JupyterLab's contents service; null if there is none. */
export async function readFile(
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

/** Select cells `first` (to `last`) and leave the editor: command mode, for the shortcuts. */
export async function selectInCommandMode(
  page: IJupyterLabPageFixture,
  first: number,
  last?: number
): Promise<void> {
  await page.notebook.selectCells(first, last);
  await page.keyboard.press('Escape');
}

/** Right-click the prompt of cell `index` and pick `item` in the context menu. */
export async function fromCellMenu(
  page: IJupyterLabPageFixture,
  index: number,
  item: string
): Promise<void> {
  await (
    await cell(page, index)
  )
    .locator('.jp-InputArea-prompt')
    .click({ button: 'right' });
  await page.getByRole('menuitem', { name: item }).click();
}

/** Click a dialog's accept or reject button; resolves once the dialog is gone. */
export async function closeDialog(
  dialog: Locator,
  button: 'accept' | 'reject'
): Promise<void> {
  await dialog.locator(`.jp-mod-${button}`).click();
  await expect(dialog).toHaveCount(0);
}

/** The cell at `index` of the current notebook. */
export async function cell(
  page: IJupyterLabPageFixture,
  index: number
): Promise<Locator> {
  return (await page.notebook.getCellLocator(index))!;
}

/** The execution-order tests' notebook: x is defined above its reader and again below it. */
export const X_READER = ['x = 1', 'y = x * 2', 'x = 10'];

/**
 * Re-run the first cell of `X_READER` (or of any notebook starting `x = 1`,
 * after its cells ran) as `x = 5`; resolves once its reader, cell 2, shows
 * the stale marker.
 */
export async function changeXAbove(
  page: IJupyterLabPageFixture
): Promise<void> {
  await page.notebook.setCell(0, 'code', 'x = 5');
  await page.notebook.runCell(0);
  await expect(
    (await cell(page, 1)).locator('.jp-nbrefactor-marker-stale')
  ).toHaveCount(1);
}

/** Click one of the sidebar's action buttons, by its command id. */
export async function clickAction(
  panel: Locator,
  command: string
): Promise<void> {
  await panel
    .locator(`.jp-nbrefactor-action[data-command="${command}"]`)
    .click();
}

/** The execution count each cell shows (null: markdown, or never run). */
export async function counts(
  page: IJupyterLabPageFixture
): Promise<(number | null)[]> {
  return page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    return Array.from(panel.content.model.cells).map((c: any) =>
      c.type === 'code' ? c.executionCount : null
    );
  });
}

/**
 * What each code cell of the current notebook shows, as text: streams,
 * `text/plain` results, errors, and `<image>` for a picture.
 */
export async function outputsOf(
  page: IJupyterLabPageFixture
): Promise<string[]> {
  return page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as any;
    const shown: string[] = [];
    for (const c of Array.from(panel.content.model.cells) as any[]) {
      if (c.type !== 'code') {
        continue;
      }
      const parts = (c.outputs.toJSON() as any[]).map(o => {
        const text = (v: unknown) =>
          Array.isArray(v) ? v.join('') : String(v);
        if (o.output_type === 'stream') {
          return text(o.text);
        }
        if (o.output_type === 'error') {
          return `${o.ename}: ${o.evalue}`;
        }
        return o.data['image/png']
          ? '<image>'
          : text(o.data['text/plain'] ?? '');
      });
      shown.push(parts.join('\n'));
    }
    return shown;
  });
}

/** Run cells in the given order, out of notebook order. */
export async function runInOrder(
  page: IJupyterLabPageFixture,
  order: number[]
): Promise<void> {
  for (const index of order) {
    await page.notebook.runCell(index);
  }
}

/**
 * Run All in the current notebook and wait for the last cell's count with the
 * kernel idle; the wall time in ms. Runs in the page: `page.evaluate(runAll, n)`.
 */
export async function runAll(cells: number): Promise<number> {
  const app = (window as any).jupyterapp;
  const panel = app.shell.currentWidget;
  const kernel = panel.sessionContext.session.kernel;
  const start = performance.now();
  await app.commands.execute('notebook:run-all-cells');
  const last = panel.content.model.cells.get(cells - 1);
  await new Promise<void>(resolve => {
    const check = () =>
      last.executionCount !== null && kernel.status === 'idle'
        ? resolve()
        : setTimeout(check, 5);
    check();
  });
  return performance.now() - start;
}

/**
 * Restart & Run All, as a person does it: the command, then "Restart" in its
 * dialog. Tests that use it set `test.use({ kernels: null })` (Galata's
 * kernel tracking answers a restart so that JupyterLab never sees the kernel idle).
 */
export async function restartAndRunAll(
  page: IJupyterLabPageFixture
): Promise<void> {
  await page.evaluate(() => window.galata.resetExecutionCount());
  void page.evaluate(() =>
    window.jupyterapp.commands.execute('notebook:restart-run-all')
  );
  await page.locator('.jp-Dialog .jp-mod-accept').click();
  await page.notebook.waitForRun();
}

/** The `p`th percentile of `values` (nearest rank). */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** A benchmark's latencies as it prints them: p50, p95 and max, in ms. */
export function latencies(values: number[]): string {
  return (
    `p50 ${percentile(values, 50).toFixed(0)} ms, ` +
    `p95 ${percentile(values, 95).toFixed(0)} ms, ` +
    `max ${Math.max(...values).toFixed(0)} ms`
  );
}

/**
 * Where a test saves a documentation screenshot: docs/images/ only when asked
 * (`UPDATE_DOCS_IMAGES=1`, `make screenshots`), else test-results/, so running
 * the tests never rewrites a tracked image.
 */
export function docsImage(name: string): string {
  return process.env.UPDATE_DOCS_IMAGES
    ? path.resolve(__dirname, '../../docs/images', name)
    : path.resolve(__dirname, '../test-results/docs-images', name);
}
