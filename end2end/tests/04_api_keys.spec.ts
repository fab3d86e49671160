import { test, expect, hydrated, signIn } from './fixtures';
import path from 'node:path';

// Continues the MSP Admin's hub: a tenant API key created in the browser, copied once, used
// over HTTP, and revoked.
test.describe.configure({ mode: 'serial' });

const shots = path.join(__dirname, '..', 'screenshots');

test('the MSP Admin creates a key, copies it once, a runner uses it, and revoking stops it', async ({ page, context, consoleErrors }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page);
  await page.goto('/t/client-01/api-keys');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'API Keys' })).toBeVisible();
  await expect(page.getByTestId('no-keys')).toBeVisible();

  const form = page.getByTestId('new-key-form');
  await form.getByLabel('Name').fill('Office runner');
  await form.getByRole('checkbox', { name: /alerts:write/ }).check();
  await form.getByLabel('Expires after').selectOption({ label: '1 year' });
  await form.getByRole('button', { name: 'Create key' }).click();

  const shown = page.getByTestId('new-key');
  await expect(shown).toContainText('will not be shown again');
  const secret = await page.getByTestId('new-key-secret').inputValue();
  expect(secret).toMatch(/^msphub_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}$/);
  await page.getByTestId('copy-key').click();
  await expect(page.getByTestId('copy-key')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  // The name box is cleared for the next key; the list shows the new one.
  await expect(form.getByLabel('Name')).toHaveValue('');
  const row = page.getByTestId('key-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Office runner');
  await expect(row).toContainText('runs:write');
  await expect(row).toContainText('alerts:write');
  await expect(row).toContainText('Active');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(shots, 'api-keys.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, 'api-keys-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // A runner calls the API with it (no cookie is involved: the header alone).
  const runner = await page.request.get('/api/v1/whoami', { headers: { Authorization: `Bearer ${secret}` } });
  expect(runner.status()).toBe(200);
  const me = await runner.json();
  expect(me.tenant.slug).toBe('client-01');
  expect(me.scopes).toEqual(['runs:write', 'alerts:write']);

  // Once dismissed, the key is gone from the page for good: the list reloading (a revoke)
  // does not bring it back, nor does a reload.
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toHaveCount(0);

  // Revoking asks first, then acts on the runner's very next request.
  await page.getByTestId('key-row').getByTestId('row-menu').locator('summary').click();
  await page.getByTestId('revoke-key').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('refused from their very next request');
  await dialog.getByRole('button', { name: 'Revoke “Office runner”' }).click();
  await expect(page.getByTestId('key-row')).toContainText('Revoked');
  await expect(page.getByTestId('toast').filter({ hasText: 'Revoked “Office runner”' })).toBeVisible();
  await expect(page.getByTestId('new-key')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret.slice(20));
  await page.reload();
  await hydrated(page);
  expect(await page.content()).not.toContain(secret.slice(20));
  await expect(page.getByTestId('key-row')).toContainText('Office runner');
  const refused = await page.request.get('/api/v1/whoami', { headers: { Authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');
});
