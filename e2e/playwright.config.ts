import { defineConfig } from '@playwright/test';

/**
 * Renderer e2e tests in Debian's Chromium (Playwright's own browser download cannot run here). The preload
 * API is supplied by the test and routed to the real main-process handlers over a simulated dom0.
 */
export default defineConfig({
  testDir: './specs',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['./harness/skip-reasons-reporter.ts']],
  outputDir: '../test-results',
  use: {
    headless: true,
    // The renderer starts in the system's language; the specs read English unless they choose another.
    locale: 'en-US',
    viewport: { width: 1200, height: 820 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // As root in a sandbox-less container, with a closed network: no sandbox, no background traffic.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
