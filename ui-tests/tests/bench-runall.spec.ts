/**
 * Benchmark, not a timed test: skipped unless NBREFACTOR_BENCH=1. Driven by
 * bench/bench_runall_browser.py, which runs it with this extension enabled
 * and disabled in turn (JupyterLab's `disabledExtensions` page option) and
 * compares; see docs/benchmarks.md.
 *
 * Run All on 300 short cells in the browser, NBREFACTOR_BENCH_REPEATS times
 * on a freshly restarted kernel; prints one line per run.
 */
import { expect, test } from '@jupyterlab/galata';

import { notebookJSON, runAll } from './helpers';

const CELLS = 300;
const REPEATS = Number(process.env.NBREFACTOR_BENCH_REPEATS ?? 3);
const EXTENSION = 'jupyter-nbrefactor';

/** The cells of bench/bench_kernel_slowdown.py: the same notebook in both benchmarks. */
function sources(): string[] {
  const sources = ['x = 0', 'y = x + 1', 'v2 = 0'];
  for (let i = 3; i < CELLS; i++) {
    if (i % 10 === 0) {
      sources.push(
        `def f${i}(a):\n    return a * ${i}\nv${i} = f${i}(v${i - 1})`
      );
    } else if (i % 10 === 5) {
      sources.push(`v${i} = sum(k for k in range(v${i - 1} % 50))`);
    } else if (i % 10 === 7) {
      sources.push(`v${i} = v${i - 1}\nfor k in range(3):\n    v${i} += k`);
    } else {
      sources.push(`v${i} = v${i - 1} + 1`);
    }
  }
  return sources;
}

test.skip(!process.env.NBREFACTOR_BENCH, 'benchmark: set NBREFACTOR_BENCH=1');

test('Run All on 300 short cells', async ({
  baseURL,
  browser,
  page,
  tmpPath
}) => {
  test.setTimeout(15 * 60 * 1000);
  await page.contents.uploadContent(
    notebookJSON(sources()),
    'text',
    `${tmpPath}/runall.ipynb`
  );
  // A page of our own: Galata's stands in for the kernels API (to track
  // kernels) and answers a restart with 201, which JupyterLab rejects.
  const lab = await browser.newPage();
  await lab.goto(`${baseURL}/lab/tree/${tmpPath}/runall.ipynb`);
  await lab.waitForFunction(
    () =>
      (window as any).jupyterapp?.shell.currentWidget?.sessionContext?.session
        ?.kernel?.status === 'idle'
  );
  const enabled = await lab.evaluate(
    id => (window as any).jupyterapp.hasPlugin(id),
    `${EXTENSION}:plugin`
  );
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    await lab.evaluate(async () => {
      const context = (window as any).jupyterapp.shell.currentWidget
        .sessionContext;
      await context.session.kernel.restart();
      while (context.session.kernel.status !== 'idle') {
        await new Promise(resolve => setTimeout(resolve, 20));
      }
    });
    const ms = await lab.evaluate(runAll, CELLS);
    console.log(
      `RUNALL extension=${enabled ? 'enabled' : 'disabled'} cells=${CELLS} ms=${ms.toFixed(0)}`
    );
  }
  await lab.evaluate(() =>
    (window as any).jupyterapp.shell.currentWidget.sessionContext.shutdown()
  );
  await lab.close();
  expect(enabled).toBe(process.env.NBREFACTOR_BENCH_EXPECT !== 'disabled');
});
