import { defineConfig } from '@playwright/test';
import path from 'node:path';

// The real release server on a fresh data directory, so setup runs for real.
const port = Number(process.env.E2E_PORT ?? 3210);
const root = path.resolve(__dirname, '..');
const bin = process.env.HUB_BIN ?? path.join(root, 'target', 'release', 'msp-hub');
const dataDir = path.join(__dirname, '.data');

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    },
    trace: 'off',
  },
  webServer: {
    command: `rm -rf "${dataDir}" && "${bin}" serve`,
    cwd: root,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(root, 'target', 'site'),
      HUB_DATA_DIR: dataDir,
      DATABASE_URL: '',
      // The tests issue licenses with the repository's development key: trust it explicitly.
      HUB_LICENSE_PUBLIC_KEY: 'keys/dev/license-public.pem',
      RUST_LOG: 'warn',
    },
  },
});
