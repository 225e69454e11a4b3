import { test, expect } from '@playwright/test';
import { watchConsole } from './support';

const count = async (page: import('@playwright/test').Page) =>
  Number((await page.getByTestId('arrivals-count').textContent())!.split(' ')[0]);

test.describe('arrivals without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('lists coming and current calls with their ETA change', async ({ page }) => {
    const response = await page.goto('/arrivals');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('Vessels arriving at the Port of Los Angeles');
    const rows = page.locator('table.arrivals-table tbody tr');
    await expect(rows).toHaveCount(50);
    expect(await count(page)).toBeGreaterThan(50);
    // Departed and omitted calls are left out unless asked for.
    for (const status of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))) {
      expect(['scheduled', 'en_route', 'at_anchor', 'at_berth']).toContain(status);
    }
    const changes = await page.locator('td.change').allTextContents();
    expect(changes.some((c) => /^\d+ (d )?(\d+ h )?(late|early)$|^on schedule$/.test(c))).toBe(true);
  });

  test('the filter form and paging work as plain GETs', async ({ page }) => {
    await page.goto('/arrivals');
    const all = await count(page);
    const terminal = await page.locator('select[name=terminal] option').nth(1).getAttribute('value');
    await page.locator('select[name=terminal]').selectOption(terminal!);
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page).toHaveURL(new RegExp(`terminal=${terminal}`));
    const filtered = await count(page);
    expect(filtered).toBeLessThan(all);
    for (const t of await page.locator('td[data-terminal]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-terminal')))) {
      expect(t).toBe(terminal);
    }
    // Back to everything, then page 2.
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByTestId('arrivals-count')).toContainText('page 2 of');
  });
});

test.describe('arrivals, hydrated', () => {
  test('filters in place and keeps them in the URL', async ({ page }) => {
    const problems = watchConsole(page);
    await page.goto('/arrivals');
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await page.evaluate(() => ((window as any).__sameDocument = true));
    const before = await page.getByTestId('arrivals-count').textContent();
    await page.locator('select[name=status]').selectOption('at_berth');
    const serverFn = page.waitForResponse((r) => r.url().includes('/_fn/arrivals') && r.status() === 200);
    await page.getByRole('button', { name: 'Show' }).click();
    await serverFn;
    await expect(page).toHaveURL(/status=at_berth/);
    await expect(page.getByTestId('arrivals-count')).not.toHaveText(before!);
    for (const s of await page.locator('table.arrivals-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))) {
      expect(s).toBe('at_berth');
    }
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(problems).toEqual([]);
  });
});
