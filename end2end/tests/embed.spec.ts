import { test, expect } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// "Another site": a page on an origin of its own (another port on loopback, so Chromium's
// private-network rules treat both alike) that frames what the test gives it.
let other: Server;
let framed = '';
test.beforeAll(async () => {
  other = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!DOCTYPE html><title>News</title><iframe id="frame" src="${framed}" width="640" height="520"></iframe>`);
  });
  await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
});
test.afterAll(() => other.close());
const otherSite = () => `http://localhost:${(other.address() as AddressInfo).port}/`;

test('the outlook card renders inside another site\'s iframe', async ({ page, baseURL }) => {
  framed = `${baseURL}/embed/outlook?port=USLAX`;
  await page.goto(otherSite());
  const card = page.frameLocator('#frame');
  await expect(card.locator('h1')).toContainText('Imports heading for the Port of Los Angeles');
  await expect(card.locator('.week')).toHaveCount(3);
  await expect(card.locator('svg[role=img]')).toHaveCount(1);
  await expect(card.getByRole('link', { name: 'portsignal' })).toHaveAttribute('target', '_blank');
  await page.screenshot({ path: '../target/screenshots/embed-outlook.png' });
});

test('other pages refuse to be framed by another site', async ({ page, baseURL }) => {
  framed = `${baseURL}/outlook`;
  const refused = page.waitForEvent('response', (r) => r.url() === framed);
  await page.goto(otherSite());
  // The page was sent, and the browser would not show it in the frame.
  expect((await refused).headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await expect(page.frameLocator('#frame').locator('.site-header')).toHaveCount(0);
});
