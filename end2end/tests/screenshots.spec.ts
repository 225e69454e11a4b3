import { test, expect } from '@playwright/test';
import { watchConsole } from './support';

// One screenshot of every page, hydrated, for the CI artifacts (target/screenshots) and the
// README. Each page must also hydrate without a console error or warning.
const pages = [
  ['signal', '/'],
  ['outlook', '/outlook'],
  ['arrivals', '/arrivals'],
  ['balance', '/balance'],
  ['reliability', '/reliability'],
  ['congestion', '/congestion'],
  ['api-docs', '/api/v1/docs'],
  ['accuracy', '/accuracy'],
  ['not-found', '/no-such-page'],
];

for (const [name, path] of pages) {
  test(`screenshot of ${path}`, async ({ page }) => {
    const problems = watchConsole(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    const response = await page.goto(path);
    expect(response?.status()).toBe(name === 'not-found' ? 404 : 200);
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.locator('h1')).toBeVisible();
    await page.screenshot({ path: `../target/screenshots/${name}.png`, fullPage: true });
    // The first screenful too: what the README shows.
    await page.screenshot({ path: `../target/screenshots/${name}-top.png` });
    // A 404 logs the failed request itself; nothing else may complain.
    expect(problems.filter((p) => !(name === 'not-found' && p.includes('404')))).toEqual([]);
  });
}

// On a phone the page fits the screen's width: wide tables scroll inside their own box, the
// header wraps.
for (const [name, path] of pages) {
  test(`${path} fits a phone's width`, async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(path);
    await expect(page.locator('h1')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    if (name === 'signal' || name === 'arrivals') {
      await page.screenshot({ path: `../target/screenshots/${name}-phone.png` });
    }
  });
}
