import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

import {
  cell,
  counts,
  docsImage,
  openExample,
  openPanel,
  outputsOf
} from './helpers';

/** The example's code cells and the links between them (`report --graph json`). */
const EXAMPLE_CELLS = 40;
const EXAMPLE_LINKS = 70;
/** Its module-level names. */
const EXAMPLE_NAMES = 49;

// Tall enough that the virtualised column renders every row of the example.
test.use({ viewport: { width: 1400, height: 2200 } });

/** Open the sidebar and its Dependency view; the sidebar. */
async function showDependencies(
  page: IJupyterLabPageFixture
): Promise<Locator> {
  const panel = await openPanel(page);
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('nbrefactor:show-dependencies')
  );
  await expect(panel.locator('.jp-nbrefactor-graph')).toBeVisible();
  return panel;
}

/** Click the row labelled `label` (`[7]`: cell 7). */
async function clickNode(panel: Locator, label: string): Promise<void> {
  await panel
    .locator('.jp-nbrefactor-graph-node')
    .filter({ hasText: label })
    .click();
}

test.describe('Dependency view', () => {
  test('shows the example as a column of cells linked by arcs; a click reveals the cell', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    const panel = await showDependencies(page);
    await expect(panel.locator('.jp-nbrefactor-graph-counts')).toHaveText(
      `${EXAMPLE_CELLS} cells, ${EXAMPLE_LINKS} links`
    );
    await expect(panel.locator('.jp-nbrefactor-graph-node')).toHaveCount(
      EXAMPLE_CELLS
    );
    await expect(panel.locator('.jp-nbrefactor-graph-arc')).toHaveCount(
      EXAMPLE_LINKS
    );

    // cell 7 is df.head(): a click makes it the active cell
    await clickNode(panel, '[7]');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (window.jupyterapp.shell.currentWidget as any).content
              .activeCellIndex
        )
      )
      .toBe(6);
    // its upstream: the imports, the settings and the load
    await expect(
      panel.locator('.jp-nbrefactor-graph-node[data-role="upstream"]')
    ).toHaveText([/^\[3\]/, /^\[4\]/, /^\[6\]/]);
    await expect(
      panel.locator('.jp-nbrefactor-graph-node[data-role="selected"]')
    ).toHaveText(/^\[7\]/);
    await expect(
      panel.locator('.jp-nbrefactor-graph-node[data-role="downstream"]')
    ).toHaveCount(0);
    await expect(
      panel.locator('.jp-nbrefactor-graph-arc[data-role="upstream"]')
    ).not.toHaveCount(0);

    // cell 35 computes pred and acc: the report, the confusion matrix, its
    // plot and the comparison read them
    await clickNode(panel, '[35]');
    await expect(
      panel.locator('.jp-nbrefactor-graph-node[data-role="downstream"]')
    ).toHaveText([/^\[36\]/, /^\[37\]/, /^\[38\]/, /^\[45\]/]);
    await expect(
      panel.locator('.jp-nbrefactor-graph-arc[data-role="downstream"]')
    ).not.toHaveCount(0);

    // folding "## Load" hides its cells behind the heading
    await panel
      .locator('.jp-nbrefactor-graph-section')
      .filter({ hasText: 'Load' })
      .click();
    await expect(panel.locator('.jp-nbrefactor-graph-node')).toHaveCount(
      EXAMPLE_CELLS - 4
    );
  });

  test('dark theme screenshot', async ({ page, tmpPath }) => {
    await page.theme.setDarkTheme();
    await openExample(page, tmpPath);
    const panel = await showDependencies(page);
    await clickNode(panel, '[12]');
    await expect(
      panel.locator('.jp-nbrefactor-graph-node[data-role="selected"]')
    ).toHaveCount(1);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.screenshot({ path: docsImage('graph-dark.png') });
  });
});

test.describe('Runs along the graph', () => {
  test.use({ kernels: null });

  test('Run Cell with Upstream on a fresh kernel shows what Restart and Run to Selected Cell shows', async ({
    page,
    tmpPath
  }) => {
    await openExample(page, tmpPath);
    // the example is saved with its counts: start from none shown
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')
    );
    await page.notebook.selectCells(6);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('nbrefactor:run-with-upstream')
    );
    await expect
      .poll(async () => (await counts(page))[6], { timeout: 60_000 })
      .not.toBeNull();
    // only the cells df.head() needs ran, in order; none below it
    const ran = await counts(page);
    expect(ran.slice(0, 8)).toEqual([null, null, 1, 2, null, 3, 4, null]);
    expect(ran.slice(7).every(c => c === null)).toBe(true);
    const withUpstream = (await outputsOf(page))[4];
    expect(withUpstream).toContain('customer_id');

    // the Variables view: df from cell 6, its type and shape from the kernel;
    // model's cell has not run
    await openPanel(page);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('nbrefactor:show-variables')
    );
    const variables = page.locator(
      '#jp-nbrefactor-panel .jp-nbrefactor-variables'
    );
    await expect(variables.locator('.jp-nbrefactor-graph-counts')).toHaveText(
      `${EXAMPLE_NAMES} names`
    );
    const df = variables.locator('.jp-nbrefactor-variable[data-name="df"]');
    await expect(df).toHaveAttribute('data-status', 'fresh');
    await expect(df.locator('td').nth(2)).toHaveText(/^6 ~/);
    await expect(df.locator('.jp-nbrefactor-variable-type')).toHaveText(
      /^DataFrame \(\d+, \d+\)$/
    );
    await expect(
      variables.locator('.jp-nbrefactor-variable[data-name="model"]')
    ).toHaveAttribute('data-status', 'not-run');

    void page.evaluate(() =>
      window.jupyterapp.commands.execute('nbrefactor:restart-run-to-selected')
    );
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    // a restart, then five cells (pandas and scikit-learn imports among them)
    await expect
      .poll(async () => (await counts(page))[6], { timeout: 60_000 })
      .toBe(5);
    const shown = await counts(page);
    expect(shown.slice(0, 8)).toEqual([null, 1, 2, 3, null, 4, 5, null]);
    expect(shown.slice(7).every(c => c === null)).toBe(true);
    expect((await outputsOf(page))[4]).toEqual(withUpstream);
    await expect((await cell(page, 6)).locator('.jp-OutputArea')).toBeVisible();
  });
});
