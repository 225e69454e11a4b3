import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { watchConsole } from './support';

// A second port, added the way an operator adds one: with the CLI, on the server's database.
// It has no data yet, so its pages show their empty states.
test.beforeAll(() => {
  if (process.env.PORTSIGNAL_E2E_URL) return;
  // Saving a port is an upsert: each worker running this file may do it.
  execFileSync(
    '../target/release/portsignal',
    ['port', 'add', 'USLGB', '--name', 'Port of Long Beach', '--tz', 'America/Los_Angeles', '--data-dir', process.env.PORTSIGNAL_E2E_DATA!],
    { env: { ...process.env, RUST_LOG: 'warn' }, stdio: 'pipe' },
  );
});

test.describe('port selector without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('is a form that reloads the page for the port chosen', async ({ page }) => {
    test.skip(!!process.env.PORTSIGNAL_E2E_URL, 'needs the local server and its database');
    await page.goto('/balance');
    await expect(page.locator('#port-select')).toHaveValue('USLAX');
    await page.locator('#port-select').selectOption('USLGB');
    await page.locator('.port-select').getByRole('button', { name: 'Go' }).click();
    await expect(page).toHaveURL(/\/balance\?port=USLGB$/);
    await expect(page.getByTestId('no-statistics')).toContainText('No monthly statistics imported for USLGB yet');
    // The other pages' links keep the port.
    await page.locator('.site-nav').getByRole('link', { name: 'Arrivals' }).click();
    await expect(page).toHaveURL(/\/arrivals\?port=USLGB$/);
    await expect(page.locator('h1')).toContainText('Port of Long Beach');
    await expect(page.getByTestId('arrivals-count')).toContainText('0 calls');
  });
});

test.describe('port selector, hydrated', () => {
  test('switches the port in place', async ({ page }) => {
    test.skip(!!process.env.PORTSIGNAL_E2E_URL, 'needs the local server and its database');
    const problems = watchConsole(page);
    await page.goto('/reliability');
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await expect(page.locator('h1')).toContainText('Port of Los Angeles');
    const serverFn = page.waitForResponse((r) => r.url().includes('/_fn/reliability') && r.status() === 200);
    await page.locator('#port-select').selectOption('USLGB');
    await serverFn;
    await expect(page).toHaveURL(/\/reliability\?port=USLGB$/);
    await expect(page.locator('h1')).toContainText('Port of Long Beach');
    await expect(page.locator('.site-nav').getByRole('link', { name: 'Congestion' })).toHaveAttribute('href', '/congestion?port=USLGB');
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    // And back.
    await page.locator('#port-select').selectOption('USLAX');
    await expect(page.locator('h1')).toContainText('Port of Los Angeles');
    expect(problems).toEqual([]);
  });
});
