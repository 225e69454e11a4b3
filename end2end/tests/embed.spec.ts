import { test, expect } from '@playwright/test';

test('the outlook card renders inside another site\'s iframe', async ({ page, baseURL }) => {
  // A page of "another site" (about:blank) framing the card.
  await page.setContent(`<iframe id="card" src="${baseURL}/embed/outlook?port=USLAX" width="640" height="520"></iframe>`);
  const card = page.frameLocator('#card');
  await expect(card.locator('h1')).toContainText('Imports heading for the Port of Los Angeles');
  await expect(card.locator('.week')).toHaveCount(3);
  await expect(card.locator('svg[role=img]')).toHaveCount(1);
  await expect(card.getByRole('link', { name: 'portsignal' })).toHaveAttribute('target', '_blank');
  await page.screenshot({ path: '../target/screenshots/embed-outlook.png' });
});
