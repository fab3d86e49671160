import { test, expect, hydrated, signIn, signInAs, ADMIN } from './fixtures';
import { Browser, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Continues the MSP Admin's hub (32 tenants, "Client 01".."Client 30" among them): technician
// management, tenant switching and the immediate effect of permission changes.
test.describe.configure({ mode: 'serial' });

const shots = path.join(__dirname, '..', 'screenshots');
const TECH = { name: 'Tom Tran', email: 'tom@contoso-msp.example', phone: '+1 206 555 0100', password: 'technician long password' };


/** Opens the switcher and picks a tenant by typing and pressing Enter (keyboard only). */
async function switchTo(page: Page, text: string) {
  const button = page.getByRole('button', { name: /Tenant/ });
  await button.focus();
  await page.keyboard.press('Enter');
  const search = page.getByRole('combobox', { name: 'Search tenants' });
  await expect(search).toBeFocused();
  await search.pressSequentially(text);
  await expect(page.getByRole('option').first()).toContainText(text);
  await search.press('Enter');
}

async function technicianPage(page: Page) {
  await page.goto('/technicians');
  await hydrated(page);
  await page.getByRole('link', { name: TECH.name }).click();
  await expect(page.getByTestId('technician-name')).toContainText(TECH.name);
  await hydrated(page);
}

/** In the assignment editor: selects tenants by name, sets a preset and applies it. */
async function apply(page: Page, tenants: string[], preset: 'Full access' | 'View only' | 'Clear') {
  const editor = page.getByTestId('assignment-editor');
  for (const name of tenants) {
    await editor.getByLabel('Search tenants').fill(name);
    await editor.getByRole('button', { name: 'Search' }).click();
    await editor.getByRole('checkbox', { name: `Select ${name}` }).check();
  }
  await editor.getByRole('button', { name: preset }).click();
  await editor.getByRole('button', { name: /Apply these permissions to the \d+ selected tenant/ }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Applied the permissions' }).last()).toBeVisible();
}

test('the MSP Admin creates a technician and assigns tenants with one action', async ({ page, consoleErrors }) => {
  await signIn(page);
  await page.goto('/technicians');
  await hydrated(page);
  await expect(page.getByTestId('technician-empty')).toBeVisible();

  consoleErrors.expectHttpError('/api/technicians/create', 422);
  await page.getByLabel('Name').fill(TECH.name);
  await page.getByLabel('Email').fill('not-an-email@nowhere');
  await page.getByLabel('Phone').fill(TECH.phone);
  await page.getByLabel('Initial password').fill(TECH.password);
  await page.getByRole('button', { name: 'Create technician' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'valid email' })).toBeVisible();
  await page.getByLabel('Email').fill(TECH.email);
  await page.getByRole('button', { name: 'Create technician' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'They see no tenant until you assign one' })).toBeVisible();
  await expect(page.locator('tr.just-created')).toContainText(TECH.name);
  await expect(page.getByLabel('Email')).toHaveValue('');
  await expect(page.getByTestId('technician-row')).toHaveCount(1);
  await page.getByLabel('Search technicians').fill('tom@');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=tom%40/);
  await expect(page.getByTestId('technician-row')).toHaveCount(1);

  await page.getByTestId('technician-row').getByRole('link', { name: TECH.name }).click();
  await expect(page.getByTestId('no-assignments')).toBeVisible();
  await hydrated(page);
  await apply(page, ['Client 01', 'Client 02'], 'View only');
  await expect(page.getByTestId('assignment-list').getByRole('listitem')).toHaveCount(2);
  await expect(page.getByTestId('assignment-list').getByRole('listitem').first()).toContainText('Client 01');
  await expect(page.getByTestId('assignment-list').getByRole('listitem').first()).toContainText('View only');
  await page.screenshot({ path: path.join(shots, 'technician.png'), fullPage: true });
  await page.goto('/technicians');
  await expect(page.getByTestId('technician-row')).toContainText('2');
  await page.screenshot({ path: path.join(shots, 'technicians.png'), fullPage: true });
});

test('a technician sees only assigned tenants; switching keeps the page kind, in place, and back returns', async ({ page, consoleErrors }) => {
  await signInAs(page, TECH.email, TECH.password);
  // No MSP pages for technicians, and the server refuses them too.
  await expect(page.getByRole('navigation', { name: 'MSP' })).toHaveCount(0);
  consoleErrors.expectHttpError('/api/technicians/list', 403);
  const refused = await page.request.post('/api/technicians/list', { form: { search: '', sort: 'name', descending: 'false', page: '1', per_page: '25' } });
  expect(refused.status()).toBe(403);

  await page.getByRole('button', { name: /Tenant/ }).click();
  await expect(page.getByRole('option')).toHaveCount(2);
  await page.keyboard.press('Escape');

  await switchTo(page, 'Client 01');
  await expect(page).toHaveURL(/\/t\/client-01\/dashboard$/);
  await hydrated(page);
  await expect(page.getByTestId('tenant-permissions')).toContainText('You act here as Technician');
  await page.evaluate(() => ((window as any).__hubMarker = 'same-document'));
  await page.getByRole('link', { name: 'Users & roles' }).click();
  await expect(page).toHaveURL(/\/t\/client-01\/users$/);
  await expect(page.getByTestId('tenant-name')).toContainText('Client 01');
  await expect(page.getByRole('heading', { name: 'New user' })).toHaveCount(0);

  await switchTo(page, 'Client 02');
  await expect(page).toHaveURL(/\/t\/client-02\/users$/);
  await expect(page.getByTestId('tenant-name')).toContainText('Client 02');
  await page.goBack();
  await expect(page).toHaveURL(/\/t\/client-01\/users$/);
  await expect(page.getByTestId('tenant-name')).toContainText('Client 01');
  expect(await page.evaluate(() => (window as any).__hubMarker)).toBe('same-document');
  expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
  await page.screenshot({ path: path.join(shots, 'tenant-users.png'), fullPage: true });

  // A tenant that is not assigned answers exactly like one that does not exist.
  consoleErrors.expectHttpError('/t/client-03/dashboard', 404);
  const response = await page.goto('/t/client-03/dashboard');
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();

  // The next sign-in lands in the tenant opened last.
  await page.goto('/t/client-02/dashboard');
  await hydrated(page);
  await page.getByRole('button', { name: new RegExp(TECH.name) }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await signInAs(page, TECH.email, TECH.password);
  await expect(page).toHaveURL(/\/t\/client-02\/dashboard$/);
});

test('permission changes, unassignment and deactivation act on the technician\'s next request', async ({ browser, page, consoleErrors }) => {
  // The MSP Admin in this page; the technician in a second browser context.
  await signIn(page);
  await technicianPage(page);
  const techContext = await (browser as Browser).newContext();
  const tech = await techContext.newPage();
  const techErrors: string[] = [];
  tech.on('console', (m) => { if (m.type() === 'error') techErrors.push(m.text()); });
  await signInAs(tech, TECH.email, TECH.password);
  await tech.goto('/t/client-01/users');
  await hydrated(tech);
  await expect(tech.getByTestId('member-table').or(tech.getByText('No users yet.'))).toBeVisible();
  await expect(tech.getByRole('heading', { name: 'New user' })).toHaveCount(0);

  // Full access on Client 01: the technician's next navigation shows it.
  await apply(page, ['Client 01'], 'Full access');
  await tech.getByRole('link', { name: 'Dashboard' }).click();
  await expect(tech.getByTestId('tenant-permissions')).toBeVisible();
  await tech.getByRole('link', { name: 'Users & roles' }).click();
  await expect(tech.getByRole('heading', { name: 'New user' })).toBeVisible();

  // Unassigned from Client 01: the next navigation finds no such tenant.
  const editor = page.getByTestId('assignment-editor');
  await editor.getByLabel('Search tenants').fill('Client 01');
  await editor.getByRole('button', { name: 'Search' }).click();
  await editor.getByRole('checkbox', { name: 'Select Client 01' }).check();
  await editor.getByRole('button', { name: 'Unassign the selected tenants…' }).click();
  const dialog = page.getByTestId('confirm-dialog');
  // Cancel changes nothing; confirming unassigns.
  await dialog.getByTestId('confirm-cancel').click();
  await expect(page.getByTestId('assignment-list').getByRole('listitem')).toHaveCount(2);
  await editor.getByRole('button', { name: 'Unassign the selected tenants…' }).click();
  await expect(dialog).toContainText(`Unassign Client 01 from ${TECH.name}?`);
  await dialog.getByRole('button', { name: 'Unassign Client 01' }).click();
  await expect(page.getByTestId('assignment-list').getByRole('listitem')).toHaveCount(1);
  await tech.getByRole('link', { name: 'Dashboard' }).click();
  await expect(tech.getByTestId('not-found')).toBeVisible();

  // Deactivated: the very next request is signed out.
  await page.getByRole('button', { name: 'Deactivate…' }).click();
  await expect(dialog).toContainText('is signed out at once and loses access to 1 tenant');
  await dialog.getByRole('button', { name: `Deactivate ${TECH.name}` }).click();
  await expect(page.getByTestId('technician-name')).toContainText('Deactivated');
  await tech.goto('/t/client-02/dashboard');
  await expect(tech.getByRole('heading', { name: 'Sign in' }).or(tech.getByText('You are signed out'))).toBeVisible();
  expect(techErrors.every((e) => /status of (401|404)/.test(e))).toBe(true);
  await techContext.close();

  // Reactivated, they sign in again with the same assignments that remain.
  await page.getByRole('button', { name: 'Reactivate' }).click();
  await expect(page.getByTestId('technician-name')).toContainText('Active');
  void consoleErrors;
  void ADMIN;
});

test('a tenant has its own roles and users; a tenant user sees only their tenant', async ({ page, browser }) => {
  await signIn(page);
  await page.goto('/t/client-01/users');
  await hydrated(page);
  await expect(page.getByTestId('role-row')).toHaveCount(2);
  await page.getByLabel('Role name').fill('Helpdesk');
  await page.getByRole('button', { name: 'View only' }).click();
  await page.getByRole('checkbox', { name: 'Alerts update' }).check();
  await page.getByRole('button', { name: 'Create role' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Created the role Helpdesk' })).toBeVisible();
  await expect(page.getByTestId('role-row')).toHaveCount(3);
  await expect(page.getByTestId('role-table')).toContainText('Helpdesk');
  // Roles sort by their own URL parameters; the same header again flips the order.
  await page.getByTestId('role-sort-name').click();
  await expect(page).toHaveURL(/roles_sort=name&roles_dir=desc/);
  await expect(page.getByTestId('role-row').first()).toContainText('Viewer');
  await page.getByTestId('role-sort-name').click();
  await expect(page.getByTestId('role-row').first()).toContainText('Helpdesk');
  await expect(page.getByLabel('Role name')).toHaveValue('');

  await page.getByLabel('Name', { exact: true }).fill('Ursula Ueda');
  await page.getByLabel('Email', { exact: true }).fill('ursula@client01.example');
  await page.getByLabel('Initial password').fill('tenant user long password');
  // New users start on the least powerful role.
  await expect(page.getByTestId('new-user-role').locator('option:checked')).toHaveText('Viewer');
  await page.getByRole('combobox', { name: 'Role', exact: true }).selectOption({ label: 'Helpdesk' });
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByTestId('member-row')).toContainText('Ursula Ueda');
  await expect(page.locator('tr.just-created')).toContainText('Ursula Ueda');
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('');
  await expect(page.getByTestId('user-limit')).toContainText('1 of');
  await page.screenshot({ path: path.join(shots, 'tenant-users-admin.png'), fullPage: true });

  // Ursula signs in: one tenant, her role's pages, no MSP pages, no user management.
  const context = await (browser as Browser).newContext();
  const ursula = await context.newPage();
  await signInAs(ursula, 'ursula@client01.example', 'tenant user long password');
  // One tenant: she lands in it, and there is no switcher to open.
  await expect(ursula).toHaveURL(/\/t\/client-01\/dashboard$/);
  await expect(ursula.getByTestId('single-tenant')).toContainText('Client 01');
  await expect(ursula.getByRole('button', { name: /Tenant/ })).toHaveCount(0);
  await expect(ursula.getByTestId('tenant-permissions')).toContainText('You act here as Helpdesk');
  await expect(ursula.getByRole('navigation', { name: 'MSP' })).toHaveCount(0);
  await expect(ursula.getByRole('link', { name: 'API Keys' })).toHaveCount(0);
  await ursula.getByRole('link', { name: 'Users & roles' }).click();
  await expect(ursula.getByTestId('member-row')).toHaveCount(1);
  await expect(ursula.getByRole('heading', { name: 'New user' })).toHaveCount(0);
  await context.close();
});

test('with more tenants than the switcher loads, the MSP Admin\'s search runs on the server', async ({ page }) => {
  await signIn(page);
  // A bigger license (a newer key from the real CLI), then tenants past the first 50 by name.
  const root = path.resolve(__dirname, '..', '..');
  const bin = process.env.HUB_BIN ?? path.join(root, 'target', 'release', 'msp-hub');
  const key = execFileSync(bin, [
    'license', 'issue', '--private-key', 'keys/dev/license-private.pem',
    '--public-key', 'keys/dev/license-public.pem',
    '--licensee', 'Contoso Managed Services', '--max-tenants', '100',
  ], { cwd: root, env: { ...process.env, RUST_LOG: 'error' } }).toString().trim();
  expect((await page.request.post('/api/license/activate', { form: { license_key: key } })).status()).toBe(200);
  for (let i = 1; i <= 25; i++) {
    const response = await page.request.post('/api/tenants/create', { form: { name: `Zeta ${String(i).padStart(2, '0')}` } });
    expect(response.status()).toBe(200);
  }
  await page.goto('/t/client-01/users');
  await hydrated(page);
  await page.evaluate(() => ((window as any).__hubMarker = 'search'));
  await page.getByRole('button', { name: /Tenant/ }).click();
  const search = page.getByRole('combobox', { name: 'Search tenants' });
  const switcher = page.getByRole('listbox', { name: 'Tenants' });
  await expect(switcher.getByRole('option')).toHaveCount(50);
  await expect(page.getByRole('option', { name: /Zeta 25/ })).toHaveCount(0);
  const asked = page.waitForRequest((r) => r.url().endsWith('/api/workspaces') && (r.postData() ?? '').includes('search=zeta+25'));
  await search.pressSequentially('zeta 25');
  await asked;
  await expect(switcher.getByRole('option')).toHaveCount(1);
  await expect(page.getByRole('option', { name: /Zeta 25/ })).toBeVisible();
  await search.press('Enter');
  await expect(page).toHaveURL(/\/t\/zeta-25\/users$/);
  await expect(page.getByTestId('tenant-name')).toContainText('Zeta 25');
  expect(await page.evaluate(() => (window as any).__hubMarker)).toBe('search');
});
