import { test, expect } from '@playwright/test';
import { watchConsole } from './support';

const teu = (s: string | null) => Number((s ?? '').replace(/,/g, ''));

test.describe('public indicator without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('renders the weekly numbers, vessel counts and chart from the server', async ({ page }) => {
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('Port of Los Angeles');
    const rows = page.locator('table.weeks tbody tr');
    await expect(rows).toHaveCount(3);
    // Every week of the demo has ships: real, positive figures.
    for (const cell of await rows.locator('td:nth-child(3)').allTextContents()) {
      expect(teu(cell)).toBeGreaterThan(10_000);
    }
    // The headline repeats the first row.
    const first = await rows.first().locator('td:nth-child(3)').textContent();
    await expect(page.getByTestId('this-week-teu')).toHaveText(first!);
    for (const id of ['en-route', 'at-anchor', 'at-berth']) {
      expect(Number(await page.getByTestId(id).textContent())).toBeGreaterThanOrEqual(0);
    }
    expect(Number(await page.getByTestId('en-route').textContent())).toBeGreaterThan(10);
    // The chart is server-drawn SVG with one label per week.
    const svg = page.locator('figure.chart svg');
    await expect(svg).toHaveAttribute('role', 'img');
    for (const week of await rows.locator('th').allTextContents()) {
      await expect(svg.locator('text', { hasText: week.slice(5) })).toHaveCount(1);
    }
    // Weeks ahead are uncertain: their bands have width (learnt from past ETA misses, volumes
    // and cancellations; without that history they would collapse onto the P50).
    const bands = await rows.locator('td.band').allTextContents();
    expect(bands).toHaveLength(3);
    for (const band of bands.slice(1)) {
      const [p10, p90] = band.split('–').map(teu);
      expect(p90 - p10).toBeGreaterThan(1_000);
    }
    expect(await page.evaluate(() => document.body.dataset.hydrated)).toBeUndefined();
  });

  test('shows the monthly and full-year forecast and links to the track record', async ({ page }) => {
    await page.goto('/');
    const months = page.locator('table.months tbody tr');
    await expect(months).toHaveCount(6);
    // The demo port moves some 9-10 million TEU a year: 600,000-1,000,000 a month.
    for (const cell of await months.locator('td:nth-child(2)').allTextContents()) {
      expect(teu(cell)).toBeGreaterThan(600_000);
      expect(teu(cell)).toBeLessThan(1_000_000);
    }
    await expect(page.getByTestId('year-forecast')).toContainText(/\d{4} full year: [\d,]+ TEU \(P10–P90 [\d,]+–[\d,]+\)/);
    await expect(page.locator('details.method')).toContainText('total_teu');
    await page.getByRole('link', { name: 'How right were past forecasts?' }).click();
    await expect(page).toHaveURL(/\/accuracy\?port=USLAX/);
    await expect(page.locator('h1')).toContainText('How right were the forecasts');
  });

  test('the horizon control works as a plain link', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: '6 weeks' }).click();
    await expect(page).toHaveURL(/weeks=6/);
    await expect(page.locator('table.weeks tbody tr')).toHaveCount(6);
    await expect(page.locator('figure.chart')).toHaveAttribute('data-weeks', '6');
    await expect(page.getByRole('link', { name: '6 weeks' })).toHaveAttribute('aria-current', 'true');
  });
});

test.describe('public indicator, hydrated', () => {
  test('hydrates without console errors and the control redraws the chart in place', async ({ page }) => {
    const problems = watchConsole(page);
    await page.goto('/');
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    // A marker that a page load would wipe out.
    await page.evaluate(() => ((window as any).__sameDocument = true));
    const before = await page.locator('figure.chart').innerHTML();

    const serverFn = page.waitForResponse((r) => r.url().includes('/_fn/indicator') && r.status() === 200);
    await page.getByRole('link', { name: '6 weeks' }).click();
    await serverFn;
    await expect(page.locator('table.weeks tbody tr')).toHaveCount(6);
    await expect(page.locator('figure.chart')).toHaveAttribute('data-weeks', '6');
    expect(await page.locator('figure.chart').innerHTML()).not.toBe(before);
    await expect(page).toHaveURL(/weeks=6/);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);

    await page.getByRole('link', { name: '3 weeks' }).click();
    await expect(page.locator('table.weeks tbody tr')).toHaveCount(3);
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(problems).toEqual([]);
  });

  test('unknown addresses get the 404 page in the app look', async ({ page }) => {
    const problems = watchConsole(page);
    const response = await page.goto('/no-such-page');
    // The browser reports the document's own 404 status; that one is the point of the test.
    const ownStatus = (p: string) => p.includes('status of 404') && p.endsWith('/no-such-page');
    problems.splice(0, problems.length, ...problems.filter((p) => !ownStatus(p)));
    expect(response?.status()).toBe(404);
    await expect(page.locator('h1')).toHaveText('Page not found');
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    expect(problems).toEqual([]);
  });

  test('an unknown port is explained, not a crash', async ({ page }) => {
    const response = await page.goto('/?port=NLRTM');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('alert')).toContainText('no port NLRTM');
  });
});
