/**
 * Benchmarks, not timed tests: skipped unless NBREFACTOR_BENCH=1.
 *
 *   cd ui-tests && NBREFACTOR_BENCH=1 CI=1 jlpm playwright test tests/bench-markers.spec.ts
 *
 * Prints the latency from a cell's execute_reply to the cell markers being
 * updated on a 300-cell notebook (see docs/benchmarks.md; Run All with the
 * extension enabled vs disabled is bench/bench_runall_browser.py).
 */
import { expect, test } from '@jupyterlab/galata';

import { latencies, notebookJSON, openNotebook, runAll } from './helpers';

const CELLS = 300;
const ROUNDS = 30;

/** x is read by the second cell; the other cells form a chain of definitions. */
function sources(): string[] {
  const cells = ['x = 0', 'y = x + 1', 'v2 = 0'];
  for (let i = 3; i < CELLS; i++) {
    cells.push(`v${i} = v${i - 1} + 1`);
  }
  return cells;
}

test.skip(!process.env.NBREFACTOR_BENCH, 'benchmark: set NBREFACTOR_BENCH=1');

test('markers follow execute replies on a 300-cell notebook', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(10 * 60 * 1000);
  await openNotebook(page, tmpPath, 'bench.ipynb', notebookJSON(sources()));
  await page.locator('#jp-main-statusbar').getByText('Idle').waitFor();

  await page.evaluate(runAll, CELLS); // every cell has run once

  const rounds = await page.evaluate(async count => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget as any;
    const notebook = panel.content;
    const kernel = panel.sessionContext.session.kernel;
    // The probe's execute requests are silent: only the user's count.
    const userRequests = new Set<string>();
    let replyAt = 0;
    kernel.anyMessage.connect((_: unknown, args: any) => {
      const { msg, direction } = args;
      if (
        direction === 'send' &&
        msg.header.msg_type === 'execute_request' &&
        !msg.content.silent
      ) {
        userRequests.add(msg.header.msg_id);
      }
      if (
        direction === 'recv' &&
        msg.header.msg_type === 'execute_reply' &&
        userRequests.has(msg.parent_header.msg_id)
      ) {
        replyAt = performance.now();
      }
    });
    performance.setResourceTimingBufferSize(100000);
    performance.clearResourceTimings();
    const requests = () =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter(e => e.name.includes('jupyter-nbrefactor/analyze'))
        .map(e => [e.startTime, e.responseEnd]);
    const reader = notebook.widgets[1];
    const hasStale = () =>
      !!reader.node.querySelector('.jp-nbrefactor-marker-stale');
    const run = async (index: number) => {
      notebook.activeCellIndex = index;
      await app.commands.execute('notebook:run-cell');
    };
    const out: Array<[number, number, number]> = [];
    for (let round = 0; round < count; round++) {
      await run(1); // the reader is up to date again
      // ... and its analysis answered: a round times one run's analysis, not
      // the end of the previous one (see docs/benchmarks.md).
      const readerReply = replyAt;
      await new Promise<void>(resolve => {
        const wait = () =>
          hasStale() || !requests().some(r => r[0] >= readerReply)
            ? setTimeout(wait, 5)
            : resolve();
        wait();
      });
      const updated = new Promise<number>(resolve => {
        const observer = new MutationObserver(() => {
          if (hasStale()) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(reader.node, { subtree: true, childList: true });
      });
      await run(0); // x redefined: the reader becomes stale
      const at = await updated;
      // The analyze request the marker came from: the last answered before it.
      const request = requests()
        .filter(r => r[0] >= replyAt && r[1] <= at)
        .pop() ?? [NaN, NaN];
      out.push([at - replyAt, request[0] - replyAt, request[1] - request[0]]);
    }
    return out;
  }, ROUNDS);

  console.log(
    `execute_reply -> marker updated: ${latencies(rounds.map(r => r[0]))} ` +
      `(${ROUNDS} runs, ${CELLS} cells)`
  );
  console.log(
    `  execute_reply -> analyze request sent: ${latencies(rounds.map(r => r[1]))}`
  );
  console.log(
    `  analyze request round trip: ${latencies(rounds.map(r => r[2]))}`
  );
  expect(rounds).toHaveLength(ROUNDS);
});
