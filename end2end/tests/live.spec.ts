import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { watchConsole } from './support';

// A provider token for USLAX, made the way an operator makes one: with the CLI, on the
// database of the server under test.
function providerToken(): string {
  return execFileSync(
    '../target/release/portsignal',
    ['token', 'create', '--role', 'provider', '--port', 'USLAX', '--label', 'e2e', '--data-dir', process.env.PORTSIGNAL_E2E_DATA!],
    { env: { ...process.env, RUST_LOG: 'warn' } },
  ).toString().trim();
}

test('a posted event shows up on an open arrivals page without reload', async ({ page, request }) => {
  test.skip(!!process.env.PORTSIGNAL_E2E_URL, 'needs the local server and its database');
  const problems = watchConsole(page);
  const token = providerToken();
  await page.goto('/arrivals');
  await expect(page.locator('body')).toHaveAttribute('data-live', 'open');
  await page.evaluate(() => ((window as any).__sameDocument = true));
  const before = Number((await page.getByTestId('arrivals-count').textContent())!.split(' ')[0]);

  // A carrier announces a call the port has not seen yet: due in three days.
  const eta = new Date(Date.now() + 3 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const posted = await request.post('/dcsa/jit/v1/timestamps', {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    data: [{
      publisher: { partyName: 'Maersk A/S', identifyingCodes: [{ DCSAResponsibleAgencyCode: 'SMDG', partyCode: 'MSK', codeListName: 'LCL' }] },
      publisherRole: 'CA',
      vesselIMONumber: '9074729',
      vessel: { vesselIMONumber: '9074729', name: 'MAERSK HORIZON' },
      carrierServiceCode: 'TP6',
      carrierVoyageNumber: '9901E',
      UNLocationCode: 'USLAX',
      facilityTypeCode: 'BRTH',
      eventClassifierCode: 'EST',
      operationsEventTypeCode: 'ARRI',
      eventDateTime: eta,
    }],
  });
  expect(posted.status(), await posted.text()).toBe(201);

  await expect(page.getByTestId('arrivals-count')).toContainText(`${before + 1} calls`);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  expect(problems).toEqual([]);
});
