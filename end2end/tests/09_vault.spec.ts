import { test, expect, hydrated, signIn } from './fixtures';
import path from 'node:path';

// Continues the MSP Admin's hub: a vault item is created, listed without its secret (not even
// in the page's HTML), revealed for a limited time, edited keeping its secret, and deleted.
test.describe.configure({ mode: 'serial' });

const shots = path.join(__dirname, '..', 'screenshots');
const TENANT = 'client-05';
const SECRET = 'Vault-e2e-S3cret!';

test('a vault item is stored, revealed on request, edited without its secret and deleted', async ({ page, consoleErrors: _guard }) => {
  await signIn(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/t/${TENANT}/vault`);
  await hydrated(page);
  await expect(page.getByTestId('no-vault-items')).toBeVisible();

  const form = page.getByTestId('new-vault-item');
  await form.locator('summary').click();
  await form.getByLabel('Name', { exact: true }).fill('Firewall admin');
  await form.getByLabel('Username').fill('fwadmin');
  await form.getByLabel('URL').fill('https://fw.client05.example');
  await form.getByLabel('Secret', { exact: true }).fill(SECRET);
  await form.getByLabel('Tags').fill('network, firewall');
  await form.getByRole('button', { name: 'Add to the vault' }).click();
  const row = page.getByTestId('vault-row').filter({ hasText: 'Firewall admin' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('fwadmin');
  await expect(row).toContainText('Never');
  await expect(form.getByLabel('Secret', { exact: true })).toHaveValue('');

  // Nowhere on the page, nor in what the server rendered.
  await page.reload();
  await hydrated(page);
  expect(await page.content()).not.toContain(SECRET);
  await page.screenshot({ path: path.join(shots, 'vault.png'), fullPage: true });

  // Revealed on request, with a countdown, then hidden.
  await row.getByTestId('row-menu').locator('summary').click();
  await row.getByTestId('reveal').click();
  await expect(page.getByTestId('revealed-value')).toHaveValue(SECRET);
  await expect(page.getByTestId('revealed-secret')).toContainText('Hidden again in');
  await expect(row).not.toContainText('Never');
  await page.getByRole('button', { name: 'Hide now' }).click();
  await expect(page.getByTestId('revealed-secret')).toHaveCount(0);

  // Edited without touching the secret: the same secret is revealed after.
  await row.getByTestId('row-menu').locator('summary').click();
  await row.getByRole('menuitem', { name: 'Edit…' }).click();
  const editor = page.getByTestId('edit-vault-item');
  await editor.getByLabel('Name', { exact: true }).fill('Firewall admin (site A)');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toHaveCount(0);
  const renamed = page.getByTestId('vault-row').filter({ hasText: 'Firewall admin (site A)' });
  await expect(renamed).toBeVisible();
  await renamed.getByTestId('row-menu').locator('summary').click();
  await renamed.getByTestId('reveal').click();
  await expect(page.getByTestId('revealed-value')).toHaveValue(SECRET);
  await page.getByRole('button', { name: 'Hide now' }).click();

  // Deleting asks first.
  await renamed.getByTestId('row-menu').locator('summary').click();
  await renamed.getByRole('menuitem', { name: 'Delete…' }).click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('Delete Firewall admin (site A)?');
  await dialog.getByTestId('confirm-accept').click();
  await expect(page.getByTestId('no-vault-items')).toBeVisible();
});
