/**
 * Galata's Playwright configuration, pointed at Debian's chromium (browser
 * downloads are not possible on our machines), with video off (it needs
 * Playwright's own ffmpeg), on a free port (so a `make lab` on 8888 does not
 * stop the tests) and with the server's log in a file instead of the output.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const launchOptions = fs.existsSync(chromium)
  ? {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  : {};

// Chosen once, in the main process; the workers inherit the environment.
if (!process.env.GALATA_PORT) {
  process.env.GALATA_PORT = execFileSync('python3', [
    '-c',
    'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  ])
    .toString()
    .trim();
}
const port = process.env.GALATA_PORT;
const baseURL = `http://localhost:${port}`;

module.exports = {
  ...baseConfig,
  timeout: 120 * 1000,
  retries: process.env.CI ? 1 : 0,
  // one line per failure and the counts; GitHub gets its annotations;
  // failures.js reads the json after a failed run
  reporter: [
    [process.env.GITHUB_ACTIONS ? 'github' : 'line'],
    ['html', { open: 'never' }],
    ['json', { outputFile: 'galata-results.json' }]
  ],
  use: {
    ...baseConfig.use,
    baseURL,
    video: 'off',
    launchOptions
  },
  webServer: {
    // outside test-results/, which Playwright empties when the tests start
    command: 'jlpm start > jupyter-server.log 2>&1',
    url: `${baseURL}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
