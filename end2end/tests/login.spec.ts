import { test, expect, Page } from '@playwright/test';
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
  added(() => cli(['user', 'add', 'root@port.example', '--role', 'admin', '--org', 'Port of Los Angeles', '--password-stdin'], 'keys to the harbour\n'));
});

const logIn = async (page: Page, email: string, password: string) => {
  await page.goto('/login');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('account')).toContainText(email);
};

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

test.describe('using the pages of one audience, hydrated', () => {
  test.skip(!!process.env.PORTSIGNAL_E2E_URL, 'needs the local server and its database');

  test('a cargo owner sees its volume and keeps a watchlist', async ({ page }) => {
    const problems = watchConsole(page);
    await logIn(page, 'buyer@harbour.example', 'boxes from ningbo');
    await page.locator('.account').getByRole('link', { name: 'My volume' }).click();
    await expect(page.locator('h1')).toContainText('Upcoming volume for Harbour Imports');
    await expect(page.getByTestId('follows')).toHaveText('MSK');
    const weeks = page.getByTestId('owner-weeks').locator('tbody tr');
    await expect(weeks).toHaveCount(6);
    const teu = await weeks.evaluateAll((rows) =>
      rows.map((r) => Number(r.querySelector('[data-teu]')!.getAttribute('data-teu'))),
    );
    expect(teu.some((t) => t > 0)).toBe(true);
    // Watch a service, in place; its calls come with their ETA history; then stop.
    const service = page.locator('select[name="key"]').nth(1);
    const key = await service.locator('option').first().getAttribute('value');
    await page.getByRole('button', { name: 'Watch service' }).click();
    const entry = page.locator(`[data-watch="service:${key}"]`);
    await expect(entry).toBeVisible();
    await expect(page).toHaveURL(/\/owner$/);
    await entry.getByRole('button', { name: 'Stop watching' }).click();
    await expect(entry).toHaveCount(0);
    expect(problems).toEqual([]);
  });

  test('an admin creates a token, sees its secret once, and revokes it', async ({ page }) => {
    const problems = watchConsole(page);
    await logIn(page, 'root@port.example', 'keys to the harbour');
    await page.locator('.account').getByRole('link', { name: 'Admin' }).click();
    await expect(page.locator('h1')).toHaveText('Administration');
    await expect(page.getByTestId('users')).toContainText('buyer@harbour.example');
    const label = `e2e feed ${Date.now()}`;
    const form = page.getByTestId('create-token');
    await form.getByLabel('For (who holds it)').fill(label);
    await form.getByLabel('Ports (USLAX, USLGB)').fill('USLAX');
    await form.getByRole('button', { name: 'Create token' }).click();
    const said = page.getByTestId('said');
    await expect(said).toContainText('Secret, shown once: ps_');
    const secret = (await said.textContent())!.split('shown once: ')[1].trim();
    const row = page.getByTestId('tokens').locator('tr', { hasText: label });
    await expect(row).toContainText('never');
    // The list names the token by its first characters, never the secret.
    await expect(row).toContainText(secret.slice(0, 11));
    expect(await page.getByTestId('tokens').textContent()).not.toContain(secret.slice(11));
    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect(row).toContainText('revoked');
    expect(problems).toEqual([]);
  });
});
