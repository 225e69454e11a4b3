import { test, expect } from '@playwright/test';
import { watchConsole } from './support';

const teu = (s: string | null) => Number((s ?? '').replace(/,/g, ''));

test.describe('balance page without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('shows the monthly balance, the run of exports and yearly totals', async ({ page, request }) => {
    const response = await page.goto('/balance');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('Imports and exports at the Port of Los Angeles');
    const csv = (await (await request.get('/download/balance.csv')).text()).trim().split('\n');
    const rows = page.locator('table.balance-months tbody tr');
    // One row a month with statistics, newest first, the same numbers as the download.
    await expect(rows).toHaveCount(csv.length - 1);
    const newest = csv[csv.length - 1].split(',');
    const first = rows.first();
    await expect(first).toHaveAttribute('data-month', newest[0]);
    expect(teu(await first.locator('td').nth(0).textContent())).toBe(Math.round(Number(newest[1])));
    expect(teu(await first.locator('td').nth(1).textContent())).toBe(Math.round(Number(newest[2])));
    // The twelve-month ratio of the last twelve rows of the download.
    const last12 = csv.slice(-12).map((l) => l.split(',').map(Number));
    const ratio = last12.reduce((s, r) => s + r[1], 0) / last12.reduce((s, r) => s + r[2], 0);
    await expect(page.getByTestId('balance-ratio').locator('strong')).toHaveText(ratio.toFixed(1));
    await expect(page.locator('table.balance-years tbody tr').first()).toBeVisible();
    await expect(page.locator('figure.chart svg')).toHaveCount(2);
  });

  test('every download link answers with its file', async ({ page, request }) => {
    await page.goto('/balance');
    const links = page.locator('p.downloads a');
    await expect(links).toHaveCount(4);
    for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
      const answer = await request.get(href);
      expect(answer.status(), href).toBe(200);
      expect(answer.headers()['content-disposition']).toContain('attachment');
    }
  });
});

test.describe('balance page, hydrated', () => {
  test('is reached from the public page in place, without console errors', async ({ page }) => {
    const problems = watchConsole(page);
    await page.goto('/');
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await page.getByRole('link', { name: 'Imports and exports by month' }).click();
    await expect(page.locator('h1')).toContainText('Imports and exports');
    await expect(page.locator('table.balance-months tbody tr').first()).toBeVisible();
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(problems).toEqual([]);
  });
});
