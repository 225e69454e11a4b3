import { test, expect } from '@playwright/test';
import { watchConsole } from './support';

test.describe('reliability without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('scores carriers and services against their schedules', async ({ page }) => {
    const response = await page.goto('/reliability');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('Schedule reliability at the Port of Los Angeles');
    await expect(page.getByTestId('on-time')).toContainText(/\d+\.\d\u00a0% of \d+ calls arrived within a day of schedule/);
    const carriers = page.locator('#reliability-carriers tbody tr');
    expect(await carriers.count()).toBeGreaterThan(5);
    // Calls by carrier add up to the port's.
    const calls = (await carriers.locator('td:nth-child(2)').allTextContents()).map(Number);
    const total = Number((await page.getByTestId('on-time').textContent())!.match(/of (\d+) calls/)![1]);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(total);
    await expect(page.locator('figure.chart svg')).toHaveAttribute('role', 'img');
  });
});

test('reliability hydrates without console errors', async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto('/reliability');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('#reliability-services tbody tr').first()).toBeVisible();
  expect(problems).toEqual([]);
});
