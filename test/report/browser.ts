/**
 * Headless Chromium for the report tests: the Debian `chromium` package driven by playwright-core (no browser
 * download). Every page is opened with every request routed: only the report file itself may load, anything else is
 * recorded and aborted, so a test fails on any network request the page would make. Console errors, page errors
 * and dialogs (alert()) are recorded too. Not a test file itself.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['RDPROBE_CHROMIUM'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? '/usr/bin/chromium';

export interface Opened {
  page: Page;
  /** Requests to anything but the report file. */
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  /** Milliseconds from navigation to the page's data-ready mark. */
  readyMs: number;
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (or set RDPROBE_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}

export async function openReport(browser: Browser, file: string, viewport = { width: 1400, height: 1000 }): Promise<Opened> {
  const page = await browser.newPage({ viewport });
  const url = pathToFileURL(file).href;
  const o: Opened = { page, requests: [], consoleErrors: [], pageErrors: [], dialogs: [], readyMs: 0 };
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url || u.startsWith(`${url}#`)) return route.continue();
    o.requests.push(u);
    return route.abort();
  });
  page.on('request', (r) => {
    const u = r.url();
    if (u !== url && !u.startsWith(`${url}#`) && !u.startsWith('data:') && !o.requests.includes(u)) o.requests.push(u);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') o.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => o.pageErrors.push(e.message));
  page.on('dialog', (d) => {
    o.dialogs.push(d.message());
    void d.dismiss();
  });
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
  o.readyMs = Date.now() - t0;
  return o;
}

/** The value shown on a bar row of an overview card (label -> number). */
export async function barValues(page: Page, cardId: string): Promise<Record<string, number>> {
  return page.$$eval(`#${cardId} .bars`, (boxes) => {
    const out: Record<string, number> = {};
    for (const box of boxes) {
      // No DOM types in the test build: the cells are elements with a textContent.
      const cells = Array.from((box as unknown as { children: ArrayLike<{ textContent: string | null }> }).children);
      for (let i = 0; i + 2 < cells.length; i += 3) out[cells[i]!.textContent ?? ''] = Number(cells[i + 2]!.textContent);
    }
    return out;
  });
}

/** The "rows ... of N" text of the table's counter. */
export async function tableCount(page: Page): Promise<string> {
  return (await page.textContent('[data-role="count"]')) ?? '';
}
