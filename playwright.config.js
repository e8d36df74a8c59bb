// End-to-end tests of the built site (dist/), in Debian's Chromium.
const { defineConfig } = require('@playwright/test');

// E2E_PORT lets several checkouts run their suites on one machine at once.
const PORT = Number(process.env.E2E_PORT || 8081);

module.exports = defineConfig({
  testDir: 'e2e',
  testMatch: /.*\.spec\.js/,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    // The site is served from a sub-path (/dist/) on purpose: it must work from any path.
    baseURL: `http://127.0.0.1:${PORT}/dist/`,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `python3 -m http.server ${PORT} --bind 127.0.0.1 --directory .`,
    url: `http://127.0.0.1:${PORT}/dist/index.html`,
    reuseExistingServer: false,
  },
});
