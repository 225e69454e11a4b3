import { test, expect } from '@playwright/test';
import { watchConsole } from './support';

const teu = (s: string | null) => Number((s ?? '').replace(/,/g, ''));

test.describe('outlook without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('shows the band, the split and the terminals and carriers', async ({ page }) => {
    const response = await page.goto('/outlook');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('Weekly import outlook for the Port of Los Angeles');
    const weeks = page.locator('table.outlook-weeks tbody tr');
    await expect(weeks).toHaveCount(6);
    for (const row of await weeks.all()) {
      const cells = (await row.locator('td').allTextContents()).map(teu);
      const [p10, p50, p90, , , expected, laden, empty, rail, local] = cells;
      expect(p10).toBeLessThanOrEqual(p50);
      expect(p50).toBeLessThanOrEqual(p90);
      expect(expected).toBeGreaterThan(10_000);
      // Laden and empty, rail and local: each pair is the whole (to a TEU of rounding).
      expect(Math.abs(laden + empty - expected)).toBeLessThanOrEqual(1);
      expect(Math.abs(rail + local - expected)).toBeLessThanOrEqual(1);
    }
    // Every terminal with ships coming has a row; together they are the port.
    const terminals = page.locator('table.outlook-terminals tbody tr');
    expect(await terminals.count()).toBeGreaterThan(3);
    const byTerminal = (await terminals.locator('td.total').allTextContents()).map(teu).reduce((a, b) => a + b, 0);
    const byCarrier = (await page.locator('table.outlook-carriers td.total').allTextContents()).map(teu).reduce((a, b) => a + b, 0);
    const all = (await weeks.locator('td.expected').allTextContents()).map(teu).reduce((a, b) => a + b, 0);
    expect(Math.abs(byTerminal - all) / all).toBeLessThan(0.002);
    expect(Math.abs(byCarrier - all) / all).toBeLessThan(0.002);
    // Two charts, with axis titles that name their units.
    await expect(page.locator('figure.chart svg')).toHaveCount(2);
    await expect(page.locator('figure.chart svg').first().locator('text', { hasText: 'Import TEU' }).first()).toBeVisible();
    await expect(page.getByText('Same week a year earlier')).toHaveCount(1);
  });

  test('the weeks control is a plain link', async ({ page }) => {
    await page.goto('/outlook');
    await page.getByRole('link', { name: '3 weeks' }).click();
    await expect(page).toHaveURL(/weeks=3/);
    await expect(page.locator('table.outlook-weeks tbody tr')).toHaveCount(3);
  });
});

test.describe('outlook, hydrated', () => {
  test('changes weeks in place', async ({ page }) => {
    const problems = watchConsole(page);
    await page.goto('/outlook');
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await page.evaluate(() => ((window as any).__sameDocument = true));
    const serverFn = page.waitForResponse((r) => r.url().includes('/_fn/outlook') && r.status() === 200);
    await page.getByRole('link', { name: '8 weeks' }).click();
    await serverFn;
    await expect(page.locator('table.outlook-weeks tbody tr')).toHaveCount(8);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    // The download links follow what is shown.
    await expect(page.getByRole('link', { name: 'CSV' })).toHaveAttribute('href', /weeks=8/);
    expect(problems).toEqual([]);
  });
});
