import { test, expect } from '@playwright/test';
import { watchConsole } from './support';

test.describe('congestion without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('shows the queue at anchor and waits by week', async ({ page }) => {
    const response = await page.goto('/congestion');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('Ships waiting at the Port of Los Angeles');
    const queued = Number(await page.getByTestId('queue').locator('strong').textContent());
    await expect(page.locator('table.queue-table tbody tr')).toHaveCount(queued);
    expect(await page.locator('table.waits-table tbody tr').count()).toBeGreaterThanOrEqual(26);
    await expect(page.locator('figure.chart svg text', { hasText: 'Mean wait' })).toHaveCount(1);
  });
});

test('congestion hydrates without console errors', async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto('/congestion');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('body')).toHaveAttribute('data-live', 'open');
  expect(problems).toEqual([]);
});
