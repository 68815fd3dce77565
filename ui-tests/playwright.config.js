/**
 * Galata's Playwright configuration, pointed at Debian's chromium (browser
 * downloads are not possible on our machines) and with video off (it needs
 * Playwright's own ffmpeg).
 */
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

module.exports = {
  ...baseConfig,
  timeout: 120 * 1000,
  retries: process.env.CI ? 1 : 0,
  use: {
    ...baseConfig.use,
    video: 'off',
    launchOptions
  },
  webServer: {
    command: 'jlpm start',
    url: 'http://localhost:8888/lab',
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
