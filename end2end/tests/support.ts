import type { Page, ConsoleMessage } from '@playwright/test';

// Collects console errors and warnings (hydration mismatches are reported as either).
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error' || msg.type() === 'warning') {
      problems.push(`${msg.type()}: ${msg.text()} @ ${msg.location().url}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // A console line names no request method or initiator: the log gets every answer >= 400
  // with both, so a failure can be traced.
  page.on('response', (r) => {
    if (r.status() >= 400) {
      console.log(`answer ${r.status()} to ${r.request().method()} ${r.url()} (${r.request().resourceType()}, from ${r.frame().url()})`);
    }
  });
  return problems;
}
