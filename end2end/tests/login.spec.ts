import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { watchConsole } from './support';

// A staff account and a cargo owner's, made the way an operator makes them: with the CLI,
// on the server's database (each worker may run this; the second add of each is refused).
const cli = (args: string[], input?: string) =>
  execFileSync('../target/release/portsignal', [...args, '--data-dir', process.env.PORTSIGNAL_E2E_DATA!], {
    env: { ...process.env, RUST_LOG: 'warn' },
    input,
    stdio: 'pipe',
  });
const added = (f: () => void) => {
  try {
    f();
  } catch (e: any) {
    if (!String(e.stderr).includes('exists already')) throw e;
  }
};
test.beforeAll(() => {
  if (process.env.PORTSIGNAL_E2E_URL) return;
  added(() => cli(['org', 'add', 'Port of Los Angeles']));
  added(() => cli(['org', 'add', 'Harbour Imports', '--follows', 'MSK']));
  added(() => cli(['user', 'add', 'dispatch@port.example', '--role', 'staff', '--org', 'Port of Los Angeles', '--password-stdin'], 'gangs at dawn 0800\n'));
  added(() => cli(['user', 'add', 'buyer@harbour.example', '--role', 'owner', '--org', 'Harbour Imports', '--password-stdin'], 'boxes from ningbo\n'));
});

test.describe('logging in, hydrated', () => {
  test.skip(!!process.env.PORTSIGNAL_E2E_URL, 'needs the local server and its database');

  for (const [email, password, role] of [
    ['dispatch@port.example', 'gangs at dawn 0800', 'staff'],
    ['buyer@harbour.example', 'boxes from ningbo', 'owner'],
  ]) {
    test(`as ${role}: in, named in the header, out again`, async ({ page }) => {
      const problems = watchConsole(page);
      await page.goto('/login');
      await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
      await page.getByLabel('E-mail address').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect(page).toHaveURL(/\/$/);
      await expect(page.getByTestId('account')).toContainText(`${email} (${role})`);
      // The session cookie is not readable by scripts.
      expect(await page.evaluate(() => document.cookie)).not.toContain('portsignal');
      if (role === 'staff') {
        await page.locator('.account').getByRole('link', { name: 'Labour' }).click();
        await expect(page.locator('h1')).toContainText('Labour planning at the Port of Los Angeles');
        expect(await page.locator('table.labour-table').count()).toBeGreaterThan(3);
        await expect(page.locator('table.labour-table').first().locator('tbody tr')).toHaveCount(14);
      } else {
        await page.goto('/staff/labour');
        await expect(page.getByText('Your account may not see labour planning.')).toBeVisible();
        await expect(page.locator('table.labour-table')).toHaveCount(0);
        // The browser reports the page's own 403 status; that one is the point.
        const own = (p: string) => p.includes('status of 403') && p.endsWith('/staff/labour');
        problems.splice(0, problems.length, ...problems.filter((p) => !own(p)));
        await page.goto('/');
      }
      await page.getByRole('button', { name: 'Log out', exact: true }).click();
      await expect(page.locator('.site-header').getByRole('link', { name: 'Log in' })).toBeVisible();
      expect(problems).toEqual([]);
    });
  }

  test('a wrong password is said plainly', async ({ page }) => {
    await page.goto('/login');
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await page.getByLabel('E-mail address').fill('nobody@port.example');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByTestId('login-error')).toHaveText('The e-mail address or the password is wrong.');
    await expect(page).toHaveURL(/\/login$/);
  });
});
