import { test, expect, hydrated, signIn, signInAs } from './fixtures';
import AxeBuilder from '@axe-core/playwright';
import { Browser, Page } from '@playwright/test';
import path from 'node:path';

// Continues the hub of the earlier files (tenants "Client 01".."Client 30", Acme, Zenith and
// "Zeta 01".."Zeta 25"; technician Tom Tran; tenant user Ursula in Client 01): the patterns
// every page shares: navigation that never blanks the app, confirmations, controls that work
// before hydration, the phone layout and accessibility.
test.describe.configure({ mode: 'serial' });

const shots = path.join(__dirname, '..', 'screenshots', 'pages');
const TOM = { email: 'tom@contoso-msp.example', password: 'technician long password' };
const URSULA = { email: 'ursula@client01.example', password: 'tenant user long password' };


/** Opens a row's actions menu. */
async function rowMenu(row: ReturnType<Page['getByTestId']>) {
  await row.getByTestId('row-menu').locator('summary').click();
}

test('the shell is never removed, nor replaced by a loading screen, over 20 switches and navigations', async ({ page, consoleErrors }) => {
  await signIn(page);
  await page.goto('/t/client-01/dashboard');
  await hydrated(page);
  await page.evaluate(() => {
    const w = window as any;
    w.__shellRemoved = 0;
    w.__bootShown = 0;
    const shell = document.querySelector('[data-testid="app-shell"]');
    new MutationObserver(() => {
      if (!shell || !document.body.contains(shell)) w.__shellRemoved++;
      if (document.querySelector('.boot')) w.__bootShown++;
    }).observe(document.body, { childList: true, subtree: true });
  });
  for (let i = 2; i <= 11; i++) {
    const name = `Client ${String(i).padStart(2, '0')}`;
    const slug = `client-${String(i).padStart(2, '0')}`;
    // The shortcut opens the switcher from anywhere; the highlight starts on the current tenant.
    await page.keyboard.press('Control+k');
    const search = page.getByRole('combobox', { name: 'Search tenants' });
    await expect(search).toBeFocused();
    await expect(page.locator('.switcher-option[aria-selected="true"]')).toContainText(
      i === 2 ? 'Client 01' : `Client ${String(i - 1).padStart(2, '0')}`,
    );
    await search.fill(name);
    await expect(page.getByRole('option').first()).toContainText(name);
    await search.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/t/${slug}/dashboard$`));
    await expect(page.getByTestId('tenant-name')).toContainText(name);
    await page.getByTestId('workspace-nav').getByRole('link', { name: 'Users & roles' }).click();
    await expect(page).toHaveURL(new RegExp(`/t/${slug}/users$`));
    await expect(page.getByTestId('tenant-name')).toContainText(name);
    await page.getByTestId('workspace-nav').getByRole('link', { name: 'Dashboard' }).click();
    await expect(page).toHaveURL(new RegExp(`/t/${slug}/dashboard$`));
  }
  expect(await page.evaluate(() => (window as any).__shellRemoved)).toBe(0);
  expect(await page.evaluate(() => (window as any).__bootShown)).toBe(0);
  // The tenants opened recently come first.
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('option').nth(0)).toContainText('Client 11');
  await expect(page.getByRole('option').nth(1)).toContainText('Client 10');
  await page.keyboard.press('Escape');
  // On an MSP page the Workspace links follow the tenant opened last.
  await page.getByRole('link', { name: 'Tenants', exact: true }).click();
  await expect(page.getByTestId('workspace-nav').getByRole('link', { name: 'Dashboard' })).toHaveAttribute('href', '/t/client-11/dashboard');
});

test('every confirm dialog\'s Cancel changes nothing', async ({ page, consoleErrors }) => {
  await signIn(page);
  const dialog = page.getByTestId('confirm-dialog');
  const cancel = async (expected: string) => {
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(expected);
    // Focus starts on Cancel, inside the dialog.
    await expect(dialog.getByTestId('confirm-cancel')).toBeFocused();
    await dialog.getByTestId('confirm-cancel').click();
    await expect(dialog).toBeHidden();
  };

  // A tenant, from the list and from its page.
  await page.goto('/tenants?q=client+05');
  await hydrated(page);
  const tenantRow = page.getByTestId('tenant-row').first();
  await rowMenu(tenantRow);
  await tenantRow.getByRole('menuitem', { name: 'Deactivate…' }).click();
  await cancel('Deactivate Client 05?');
  await page.reload();
  await expect(page.getByTestId('tenant-row').first()).toContainText('Active');
  await page.getByRole('link', { name: 'Client 05' }).first().click();
  await expect(page.getByTestId('tenant-name')).toHaveText('Client 05');
  await hydrated(page);
  await page.getByRole('button', { name: 'Deactivate…' }).click();
  await cancel('nothing is deleted');
  await page.reload();
  await expect(page.getByTestId('tenant-status')).toHaveText('Active');

  // A tenant user and a role.
  await page.goto('/t/client-01/users');
  await hydrated(page);
  const ursula = page.getByTestId('member-row').filter({ hasText: 'Ursula Ueda' });
  await rowMenu(ursula);
  await ursula.getByRole('menuitem', { name: 'Deactivate…' }).click();
  await cancel('Deactivate Ursula Ueda?');
  await rowMenu(ursula);
  await ursula.getByRole('menuitem', { name: 'Delete…' }).click();
  await cancel('Delete Ursula Ueda?');
  const helpdesk = page.getByTestId('role-row').filter({ hasText: 'Helpdesk' });
  await rowMenu(helpdesk);
  await helpdesk.getByRole('menuitem', { name: 'Delete…' }).click();
  await cancel('1 user holds it');
  await page.reload();
  await expect(page.getByTestId('member-row').filter({ hasText: 'Ursula Ueda' })).toContainText('Active');
  await expect(page.getByTestId('role-row')).toHaveCount(3);

  // A technician.
  await page.goto('/technicians?q=tom');
  await hydrated(page);
  await page.getByRole('link', { name: 'Tom Tran' }).first().click();
  await expect(page.getByTestId('technician-name')).toContainText('Tom Tran');
  await hydrated(page);
  await page.getByRole('button', { name: 'Deactivate…' }).click();
  await cancel('Deactivate Tom Tran?');
  await page.getByRole('button', { name: 'Delete technician…' }).click();
  await cancel('Delete Tom Tran?');
  await page.reload();
  await expect(page.getByTestId('technician-name')).toContainText('Active');

  // An API key.
  const created = await page.request.post('/api/t/api_keys/create', {
    form: { tenant: 'client-01', name: 'Cancel check', scopes: 'runs:write', expires_in_days: '30' },
  });
  expect(created.status()).toBe(200);
  await page.goto('/t/client-01/api-keys');
  await hydrated(page);
  const key = page.getByTestId('key-row').filter({ hasText: 'Cancel check' });
  await rowMenu(key);
  await key.getByTestId('revoke-key').click();
  await cancel('Revoke “Cancel check”?');
  await page.reload();
  await expect(page.getByTestId('key-row').filter({ hasText: 'Cancel check' })).toContainText('Active');
});

test('search, sort and Next work before the WASM has loaded', async ({ page, consoleErrors }) => {
  await signIn(page);
  // Hold every WASM file back: the page is server-rendered HTML only.
  await page.route('**/*.wasm', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await route.continue().catch(() => {});
  });
  await page.goto('/tenants', { waitUntil: 'domcontentloaded' });
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId('pager-status')).toContainText('page 2 of');
  await page.getByTestId('sort-created').click();
  await expect(page).toHaveURL(/sort=created/);
  await expect(page.locator('th', { has: page.getByTestId('sort-created') })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByLabel('Search tenants').fill('zeta 1');
  await page.getByLabel('Search tenants').press('Enter');
  await expect(page).toHaveURL(/q=zeta\+1/);
  await expect(page.getByTestId('tenant-row')).toHaveCount(10);
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
});

/** Every page kind, as the MSP Admin sees it. */
function adminPages(tenantId: string, techId: string): [string, string][] {
  return [
    ['overview', '/'],
    ['tenants', '/tenants'],
    ['tenant-detail', `/tenants/${tenantId}`],
    ['technicians', '/technicians'],
    ['technician-detail', `/technicians/${techId}`],
    ['summary', '/summary'],
    ['license', '/license'],
    ['branding', '/branding'],
    ['account', '/account'],
    ['dashboard', '/t/client-01/dashboard'],
    ['automs', '/t/client-01/automs'],
    ['runs', '/t/client-01/runs'],
    ['alerts', '/t/client-01/alerts'],
    ['agents', '/t/client-01/agents'],
    ['vault', '/t/client-01/vault'],
    ['users', '/t/client-01/users'],
    ['api-keys', '/t/client-01/api-keys'],
    ['audit', '/t/client-01/audit'],
  ];
}

/** Loads `url` at both widths: no sideways scroll at 390 px, screenshots, no serious axe finding. */
async function walk(page: Page, name: string, url: string) {
  for (const [width, height] of [[390, 844], [1440, 900]]) {
    await page.setViewportSize({ width, height });
    await page.goto(url);
    await hydrated(page);
    await page.waitForLoadState('networkidle');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${url} scrolls sideways by ${overflow}px at ${width}px`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
  }
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(serious, `${url}: accessibility`).toEqual([]);
}

test('every page: no sideways scroll on a phone, screenshots at 1440 and 390, no serious accessibility finding', async ({ page, browser, consoleErrors }) => {
  test.setTimeout(240_000);
  await signIn(page);
  const tenants = await (await page.request.post('/api/tenants/list', {
    form: { search: 'client 01', status: 'all', sort: 'name', descending: 'false', page: '1', per_page: '25' },
  })).json();
  const techs = await (await page.request.post('/api/technicians/list', {
    form: { search: 'tom', sort: 'name', descending: 'false', page: '1', per_page: '25' },
  })).json();
  for (const [name, url] of adminPages(tenants.items[0].id, techs.items[0].id)) {
    await walk(page, name, url);
  }
  consoleErrors.expectHttpError('/no/such/page', 404);
  await walk(page, 'not-found', '/no/such/page');

  // The phone menu opens the sidebar and a navigation closes it.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/tenants');
  await hydrated(page);
  await expect(page.locator('.sidebar')).not.toBeInViewport();
  await page.getByTestId('menu-button').click();
  await expect(page.locator('.sidebar')).toBeInViewport();
  await page.getByRole('link', { name: 'Technicians', exact: true }).click();
  await expect(page).toHaveURL(/\/technicians$/);
  await expect(page.locator('.sidebar')).not.toBeInViewport();

  // The technician's and the tenant user's own pages.
  for (const [who, pages] of [
    [TOM, [['tech-overview', '/'], ['tech-tenant', '/t/client-02/dashboard']]],
    [URSULA, [['tenant-user-dashboard', '/t/client-01/dashboard'], ['tenant-user-users', '/t/client-01/users']]],
  ] as const) {
    const context = await (browser as Browser).newContext({ baseURL: test.info().project.use.baseURL });
    const other = await context.newPage();
    await signInAs(other, who.email, who.password);
    for (const [name, url] of pages) {
      await walk(other, name, url);
    }
    await context.close();
  }
});
