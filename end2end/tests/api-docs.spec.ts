import { test, expect } from '@playwright/test';
import { watchConsole } from './support';

// The reference for people and the document for programs say the same.
test.describe('API reference without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('lists every operation of the OpenAPI document, with its answers and schemas', async ({ page, request }) => {
    const doc = await (await request.get('/api/v1/openapi.json')).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.length).toBeGreaterThanOrEqual(14);
    const response = await page.goto('/api/v1/docs');
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('portsignal API');
    const shown = await page
      .getByTestId('endpoint')
      .locator('h3')
      .evaluateAll((hs) => hs.map((h) => `${h.querySelector('.method')!.textContent} ${h.querySelector('.path')!.textContent}`));
    expect(shown.sort()).toEqual(operations.sort());
    // A schema named in an answer is linked to its description on the page.
    const calls = page.locator('#get--api-v1-ports--locode--port-calls');
    await expect(calls.locator('table.params th', { hasText: 'eta_from' })).toHaveCount(1);
    await calls.getByRole('link', { name: 'PortCallPage', exact: true }).click();
    await expect(page).toHaveURL(/#schema-PortCallPage$/);
    await expect(page.locator('#schema-PortCallPage table.fields th', { hasText: 'next_cursor' })).toHaveCount(1);
    for (const name of Object.keys(doc.components.schemas)) {
      await expect(page.locator(`[id="schema-${name}"]`)).toHaveCount(1);
    }
    // Writes say they need a token.
    await expect(page.locator('#post--dcsa-jit-v1-timestamps .secured')).toHaveCount(1);
  });
});

test('the API reference hydrates without console errors and is reached from the footer', async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto('/');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.locator('.site-footer').getByRole('link', { name: 'API' }).click();
  await expect(page.locator('h1')).toContainText('portsignal API');
  await expect(page.getByTestId('endpoint').first()).toBeVisible();
  await expect(page.getByTestId('openapi-link')).toHaveAttribute('href', '/api/v1/openapi.json');
  expect(problems).toEqual([]);
});
