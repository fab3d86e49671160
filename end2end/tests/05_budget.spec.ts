import { test, expect, hydrated, signIn } from './fixtures';
import { Browser, Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

// The first load of a page, as a new visitor's browser fetches it: every request until the
// page is hydrated and the network is idle, counted in bytes on the wire (headers plus the
// compressed body, as Chromium's network layer reports them).
interface Budget { path: string; heading: string; max_bytes: number; max_requests: number }
const budgets = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'budget.json'), 'utf8'));

async function firstLoad(page: Page, url: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const requests = new Map<string, string>();
  const errors: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));
  let bytes = 0;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!e.request.url.startsWith('data:')) requests.set(e.requestId, e.request.url);
  });
  cdp.on('Network.loadingFinished', (e) => {
    if (requests.has(e.requestId)) bytes += e.encodedDataLength;
  });
  const response = await page.goto(url);
  await hydrated(page);
  await page.waitForLoadState('networkidle');
  return { status: response?.status(), errors, bytes, requests: [...requests.values()] };
}

async function check(browser: Browser, budget: Budget, cookies: Parameters<import('@playwright/test').BrowserContext['addCookies']>[0]) {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  await context.addCookies(cookies);
  const page = await context.newPage();
  const load = await firstLoad(page, budget.path);
  const report = `${budget.path}: ${load.bytes} bytes in ${load.requests.length} requests\n  ${load.requests.join('\n  ')}`;
  console.log(report);
  expect(load.bytes, report).toBeLessThanOrEqual(budget.max_bytes);
  expect(load.requests.length, report).toBeLessThanOrEqual(budget.max_requests);
  // The page itself loaded and works (not an error or 404 page), with no console error.
  expect(load.status, report).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: budget.heading })).toBeVisible();
  expect(load.errors, 'console errors').toEqual([]);
  await context.close();
}

test('the login page first loads within the budget', async ({ browser }) => {
  await check(browser, budgets.login_page, []);
});

test('a signed-in tenant page first loads within the budget', async ({ page, browser, consoleErrors }) => {
  await signIn(page);
  const cookies = await page.context().cookies();
  await check(browser, budgets.tenant_page, cookies);
});
