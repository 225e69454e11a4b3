import { test, expect } from '@playwright/test';
import { watchConsole } from './support';

const number = (s: string | null) => Number((s ?? '').replace(/[,%+\u00a0\s]/g, ''));

test.describe('accuracy page without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('shows the record the API publishes, horizon by horizon', async ({ page, request }) => {
    const response = await page.goto('/accuracy');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('Port of Los Angeles');
    const api = await (await request.get('/api/v1/ports/USLAX/accuracy')).json();
    // The demo reproduces half a year of daily outlooks: every horizon of the week has a record.
    expect(api.weekly.issues).toBeGreaterThanOrEqual(182);
    const rows = page.locator('#accuracy-weekly tbody tr');
    await expect(rows).toHaveCount(api.weekly.horizons.length);
    expect(api.weekly.horizons.length).toBe(8);
    for (const [i, h] of api.weekly.horizons.entries()) {
      const row = rows.nth(i);
      await expect(row).toHaveAttribute('data-horizon', String(h.horizon));
      expect(number(await row.locator('td').nth(0).textContent())).toBe(h.forecasts);
      expect(number(await row.locator('td').nth(1).textContent())).toBeCloseTo(h.mape_pct, 1);
      expect(number(await row.locator('td').nth(2).textContent())).toBeCloseTo(h.bias_pct, 1);
      expect(number(await row.locator('td').nth(3).textContent())).toBeCloseTo(h.coverage_pct, 1);
    }
    await expect(rows.first().locator('th')).toHaveText('in the same week');
    await expect(rows.nth(1).locator('th')).toHaveText('1 week ahead');
    // Each monthly series and the full year have their table.
    for (const series of ['total_teu', 'loaded_imports', 'loaded_exports', 'empties']) {
      await expect(page.locator(`#accuracy-${series} tbody tr`)).toHaveCount(12);
    }
    await expect(page.locator('#accuracy-yearly tbody tr').first()).toBeVisible();
    // The chart: one whisker per week forecast a week ahead, drawn on the server.
    const figure = page.locator('figure.chart');
    await expect(figure).toHaveAttribute('data-points', String(api.weekly_recent.length));
    await expect(figure.locator('svg')).toHaveAttribute('role', 'img');
    await expect(figure.locator('svg text', { hasText: 'Actual import TEU' })).toHaveCount(1);
  });

  test('an unknown port is a 404 with a clear message', async ({ page }) => {
    const response = await page.goto('/accuracy?port=NLRTM');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('alert')).toContainText('no port NLRTM');
  });
});

test.describe('accuracy page, hydrated', () => {
  test('hydrates cleanly and navigates to the outlook in place', async ({ page }) => {
    const problems = watchConsole(page);
    await page.goto('/accuracy');
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await page.getByRole('link', { name: 'Back to the outlook' }).click();
    await expect(page.locator('table.weeks tbody tr')).toHaveCount(3);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await page.getByRole('link', { name: 'Accuracy' }).click();
    await expect(page.locator('#accuracy-weekly tbody tr')).toHaveCount(8);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(problems).toEqual([]);
  });
});
