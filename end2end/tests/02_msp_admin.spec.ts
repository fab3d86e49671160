import { test, expect, hydrated, signIn } from './fixtures';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Continues the walking skeleton's hub: the Administrator activates a license, manages
// tenants, then brands the hub.
test.describe.configure({ mode: 'serial' });

const root = path.resolve(__dirname, '..', '..');
const bin = process.env.HUB_BIN ?? path.join(root, 'target', 'release', 'msp-hub');
const fixtures = path.join(__dirname, '..', 'fixtures');

/** A license key from the real CLI, signed with the repository's development key. */
function issueLicense(maxTenants: number): string {
  return execFileSync(bin, [
    'license', 'issue', '--private-key', 'keys/dev/license-private.pem',
    '--public-key', 'keys/dev/license-public.pem',
    '--licensee', 'Contoso Managed Services', '--max-tenants', String(maxTenants),
  ], { cwd: root, env: { ...process.env, RUST_LOG: 'error' } }).toString().trim();
}

test('activating a license shows the notice once and creates the Default Tenant', async ({ page, consoleErrors }) => {
  await signIn(page);
  await page.goto('/license');
  await hydrated(page);
  await expect(page.getByTestId('unlicensed')).toBeVisible();
  // This hub was told to trust the development key (playwright.config.ts), and says so.
  await expect(page.getByTestId('license-key-development')).toContainText('development license key');

  consoleErrors.expectHttpError('/api/license/activate', 422);
  await page.getByLabel('License key').fill('this is not a key');
  await page.getByRole('button', { name: 'Activate' }).click();
  await expect(page.getByRole('alert')).toContainText('This is not a valid license key');

  await page.getByLabel('License key').fill(issueLicense(40));
  await page.getByRole('button', { name: 'Activate' }).click();
  const notice = page.getByTestId('activation-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('MSP License Activation Notice');
  await expect(page.getByTestId('licensee')).toHaveText('Contoso Managed Services');
  await expect(page.getByTestId('license-details').getByTestId('tenant-count')).toHaveText('1 / 40');
  await expect(page.getByText('MSP Admin', { exact: true }).first()).toBeAttached();

  await hydrated(page);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('license-details')).toBeVisible();
  await expect(page.getByTestId('activation-notice')).toHaveCount(0);
});

test('tenants: create, search, sort, page through, deactivate and reactivate', async ({ page, consoleErrors }) => {
  await signIn(page);
  // Thirty tenants through the same server function the page uses, then two by hand.
  for (let i = 1; i <= 30; i++) {
    const response = await page.request.post('/api/tenants/create', { form: { name: `Client ${String(i).padStart(2, '0')}` } });
    expect(response.status()).toBe(200);
  }
  await page.goto('/tenants');
  await hydrated(page);
  await page.evaluate(() => ((window as any).__hubMarker = 'tenants'));
  await expect(page.getByTestId('tenant-count')).toContainText('31 / 40');
  for (const name of ['Acme Corporation', 'Zenith Labs']) {
    await page.getByLabel('New tenant').fill(name);
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await expect(page.getByTestId('toast').filter({ hasText: `Created ${name}` })).toBeVisible();
    // The name box clears after creating.
    await expect(page.getByLabel('New tenant')).toHaveValue('');
  }
  await expect(page.getByTestId('tenant-count')).toContainText('33 / 40');
  // The row just created is highlighted (Zenith Labs is on page 2; Acme on page 1 is not).
  await expect(page.locator('tr.just-created')).toHaveCount(0);

  // A name that exists already asks first; cancelling creates nothing.
  await page.getByLabel('New tenant').fill('acme corporation');
  await page.getByRole('button', { name: 'Create tenant' }).click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('A tenant named Acme Corporation already exists');
  await dialog.getByTestId('confirm-cancel').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('tenant-count')).toContainText('33 / 40');

  // 33 tenants by name: page 1 of 2; Next is a link.
  await expect(page.getByTestId('pager-status')).toContainText('of 33 · page 1 of 2');
  await expect(page.getByTestId('tenant-row').first()).toContainText('Acme Corporation');
  await expect(page.getByTestId('tenant-row').first()).toContainText('acme-corporation');
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(page.getByTestId('pager-status')).toContainText('page 2 of 2');
  await expect(page.getByTestId('tenant-row')).toHaveCount(8);
  await expect(page).toHaveURL(/page=2/);
  await expect(page.locator('tr.just-created')).toContainText('Zenith Labs');

  // The Name header sorts; it shows the sort, and again flips it.
  const nameHeader = page.locator('th', { has: page.getByTestId('sort-name') });
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  await page.getByTestId('sort-name').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByTestId('tenant-row').first()).toContainText('Zenith Labs');
  await expect(page).toHaveURL(/sort=name&dir=desc/);

  // Search as you type (kept in the URL), by name, then by slug.
  await page.getByLabel('Search tenants').fill('client 1');
  await expect(page.getByTestId('tenant-row')).toHaveCount(10);
  await expect(page).toHaveURL(/q=client\+1/);
  await page.getByLabel('Search tenants').fill('acme-corp');
  await expect(page.getByTestId('tenant-row')).toHaveCount(1);

  // Deactivating asks first and says what it takes away; Cancel changes nothing.
  const row = page.getByTestId('tenant-row').first();
  const openMenu = async () => {
    await row.getByTestId('row-menu').locator('summary').click();
  };
  await openMenu();
  await row.getByRole('menuitem', { name: 'Deactivate…' }).click();
  await expect(dialog).toContainText('Deactivate Acme Corporation?');
  await expect(dialog).toContainText('0 technicians and 0 users lose access to it; nothing is deleted');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('Active');

  // Confirmed: deactivated, with a toast that can undo it.
  await openMenu();
  await row.getByRole('menuitem', { name: 'Deactivate…' }).click();
  await dialog.getByRole('button', { name: 'Deactivate Acme Corporation' }).click();
  await expect(row).toContainText('Deactivated');
  const toast = page.getByTestId('toast').filter({ hasText: 'Acme Corporation is deactivated' });
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(row).toContainText('Active');
  await openMenu();
  await row.getByRole('menuitem', { name: 'Deactivate…' }).click();
  await dialog.getByRole('button', { name: 'Deactivate Acme Corporation' }).click();
  await expect(row).toContainText('Deactivated');

  // Find it under the status filter, reactivate it (no question: nothing is lost by that).
  await page.getByLabel('Search tenants').fill('');
  await expect(page.getByTestId('tenant-row')).toHaveCount(25);
  await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('inactive');
  await expect(page.getByTestId('tenant-row')).toHaveCount(1);
  await expect(page.getByTestId('tenant-row').first()).toContainText('Acme Corporation');
  await page.getByTestId('tenant-row').first().getByTestId('row-menu').locator('summary').click();
  await page.getByTestId('tenant-row').first().getByRole('menuitem', { name: 'Reactivate' }).click();
  await expect(page.getByTestId('tenant-empty')).toBeVisible();
  await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('all');
  await page.getByTestId('sort-status').click();
  await expect(page.getByTestId('tenant-row').first()).toContainText('Active');

  // All of it happened in place: no document reload.
  expect(await page.evaluate(() => (window as any).__hubMarker)).toBe('tenants');
  await page.screenshot({ path: path.join(__dirname, '..', 'screenshots', 'tenants.png'), fullPage: true });

  // The detail page.
  await page.getByRole('link', { name: 'Acme Corporation' }).click();
  await expect(page.getByTestId('tenant-name')).toHaveText('Acme Corporation');
  await expect(page.getByTestId('no-technicians')).toBeVisible();
  await expect(page.getByText('Tenant Admin')).toBeVisible();
  await page.screenshot({ path: path.join(__dirname, '..', 'screenshots', 'tenant-detail.png'), fullPage: true });
});

test('branding: a logo upload with progress shows on the login page; an SVG is refused', async ({ page, browser, consoleErrors }) => {
  // A second signed-in browser, open before the brand changes.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage);
  await hydrated(otherPage);

  await signIn(page);
  await page.goto('/branding');
  await hydrated(page);
  await page.getByLabel('Product name').fill('Contoso Cloud Desk');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  // Slow the upload down so that its progress is visible.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 60 * 1024 });
  await page.getByTestId('logo-input').setInputFiles(path.join(fixtures, 'logo.png'));
  await expect(page.getByTestId('upload-progress')).toBeVisible();
  await expect(page.getByTestId('upload-done')).toBeVisible({ timeout: 20_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(page.locator('.sidebar [data-testid="brand-logo"]')).toBeVisible();
  const logoUrl = await page.locator('.sidebar [data-testid="brand-logo"]').getAttribute('src');
  expect(logoUrl).toMatch(/^\/brand\/logo\/[0-9a-f]{64}\.(png|jpg)$/);

  consoleErrors.expectHttpError('/api/branding/logo', 422);
  await page.getByTestId('logo-input').setInputFiles(path.join(fixtures, 'logo.svg'));
  await expect(page.getByTestId('upload-error')).toContainText('SVG and other markup files are not accepted');
  await expect(page.locator('.sidebar [data-testid="brand-logo"]')).toHaveAttribute('src', logoUrl!);

  // The other signed-in browser sees the new brand on its next navigation, without signing out.
  await expect(otherPage.locator('.sidebar [data-testid="brand-name"]')).toHaveText('MSP Hub');
  await otherPage.evaluate(() => ((window as any).__hubMarker = 'other'));
  await otherPage.getByRole('link', { name: 'Tenants', exact: true }).click();
  await expect(otherPage.locator('.sidebar [data-testid="brand-logo"]')).toHaveAttribute('src', logoUrl!);
  await expect(otherPage.locator('.sidebar [data-testid="brand-name"]')).toHaveText('Contoso Cloud Desk');
  expect(await otherPage.evaluate(() => (window as any).__hubMarker), 'no reload, no sign-out').toBe('other');
  await other.close();

  // A fresh browser context: the login page carries the logo and the name.
  const fresh = await browser.newContext();
  const login = await fresh.newPage();
  await login.goto('/login');
  await expect(login.locator('[data-testid="brand-logo"]')).toHaveAttribute('src', logoUrl!);
  await expect(login.locator('[data-testid="brand-name"]')).toHaveText('Contoso Cloud Desk');
  const logo = await login.request.get(logoUrl!);
  expect(logo.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(logo.headers()['x-content-type-options']).toBe('nosniff');
  await login.screenshot({ path: path.join(__dirname, '..', 'screenshots', 'branded-login.png') });
  await fresh.close();

  await page.screenshot({ path: path.join(__dirname, '..', 'screenshots', 'branding.png'), fullPage: true });
  await page.getByRole('button', { name: 'Reset to the default brand' }).click();
  await expect(page.locator('.sidebar [data-testid="brand-name"]')).toHaveText('MSP Hub');
  await expect(page.locator('.sidebar [data-testid="brand-logo"]')).toHaveCount(0);
});
