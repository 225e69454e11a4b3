import { defineConfig } from '@playwright/test';

// The server under test: the release binary on a fresh SQLite database under a temp directory,
// with the demo port. scripts/test builds it first; PORTSIGNAL_E2E_URL points at another one.
const port = Number(process.env.PORTSIGNAL_E2E_PORT ?? 3107);
// Set in the environment so the test workers (other processes) find the same directory.
const dataDir = (process.env.PORTSIGNAL_E2E_DATA ??= `/tmp/portsignal-e2e-${process.pid}`);
const external = process.env.PORTSIGNAL_E2E_URL;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  // Two workers share two cores with the server and its outlook draws: compiling the 1.3 MB
  // wasm to hydrate has taken over 10 s once in about fifty page loads of a full run.
  expect: { timeout: 20_000 },
  retries: 0,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL: external ?? `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Without the networking flags Chromium keeps trying to reach Google's hosts, which this
      // closed network refuses.
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  webServer: external
    ? undefined
    : {
        command: `rm -rf ${dataDir} && ../target/release/portsignal serve --data-dir ${dataDir} --site-addr 127.0.0.1:${port} --site-root ../target/site`,
        url: `http://127.0.0.1:${port}/healthz`,
        timeout: 180_000,
        reuseExistingServer: false,
        stdout: 'ignore',
        stderr: 'pipe',
      },
});
