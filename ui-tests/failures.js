/**
 * After a failed `make test-ui`: each failed test with the first line of each
 * attempt's error, then the server log's last errors, in a few lines at the
 * end of the output, where a CI log cut to its tail still shows them.
 * Reads galata-results.json (Playwright's json reporter, playwright.config.js).
 */
const fs = require('fs');

const strip = text => text.replace(/\u001b\[[0-9;]*m/g, '');

function* failed(suite) {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests) {
      if (test.status === 'unexpected') {
        yield { spec, test };
      }
    }
  }
  for (const child of suite.suites ?? []) {
    yield* failed(child);
  }
}

const report = JSON.parse(fs.readFileSync('galata-results.json', 'utf-8'));
for (const { spec, test } of report.suites.flatMap(s => [...failed(s)])) {
  console.log(`FAILED ${spec.file}:${spec.line} ${spec.title}`);
  test.results.forEach((result, attempt) => {
    const message = strip(result.error?.message ?? result.status);
    console.log(`  attempt ${attempt + 1}: ${message.split('\n')[0]}`);
  });
}
const log = fs.existsSync('jupyter-server.log')
  ? fs.readFileSync('jupyter-server.log', 'utf-8').split('\n')
  : [];
const errors = log.filter(line =>
  /^\[E |Error|Traceback|restarting|died/.test(line)
);
if (errors.length > 0) {
  console.log('The server log (ui-tests/jupyter-server.log) ends with:');
  errors.slice(-6).forEach(line => console.log(`  ${line.slice(0, 200)}`));
}
