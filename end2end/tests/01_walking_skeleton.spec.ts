import { test, expect, hydrated, signIn, ADMIN } from './fixtures';
import path from 'node:path';
import fs from 'node:fs';

// One story, in order: a fresh hub is set up, used, signed out of and signed into again.
test.describe.configure({ mode: 'serial' });

test('a fresh hub sends everyone to setup, which creates the Administrator', async ({ page, consoleErrors }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await hydrated(page);
  // Setup needs the one-time token the server printed (and wrote to its data directory).
  consoleErrors.expectHttpError('/api/setup', 422);
  const token = fs.readFileSync(path.join(__dirname, '..', '.data', 'setup-token'), 'utf8').trim();
  await page.getByLabel('Setup token').fill('not the token');
  await page.getByLabel('Organization name').fill(ADMIN.organization);
  await page.getByLabel('Your name').fill(ADMIN.name);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password').fill('something else entirely');
  await expect(page.getByText('The passwords do not match.')).toBeVisible();
  await page.getByLabel('Confirm password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create the Administrator account' }).click();
  await expect(page.getByRole('alert')).toContainText('This is not the setup token');
  await page.getByLabel('Setup token').fill(token);
  await page.getByRole('button', { name: 'Create the Administrator account' }).click();

  await expect(page.getByRole('heading', { name: 'Welcome, Dana' })).toBeVisible();
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await expect(page.getByText(/· Administrator/).first()).toBeVisible();
});

test('setup cannot run twice', async ({ page, consoleErrors }) => {
  const response = await page.request.post('/api/setup', {
    form: { organization_name: 'Evil', display_name: 'Mallory', email: 'm@evil.example', password: 'another long password' },
  });
  expect(response.status()).toBe(409);
  expect(await response.json()).toEqual({ kind: 'already_set_up' });
  await page.goto('/setup');
  await expect(page).toHaveURL(/\/login$/);
});

test('the shell is interactive: user menu, tenant switcher and in-place navigation', async ({ page, consoleErrors }) => {
  await signIn(page);
  await hydrated(page);
  // A page-level marker survives client-side navigation; a document reload would drop it.
  await page.evaluate(() => ((window as any).__hubMarker = 'still-here'));

  await page.getByRole('button', { name: /Dana Whitfield/ }).click();
  await expect(page.getByRole('menu')).toContainText(ADMIN.email);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu')).toBeHidden();

  await page.getByRole('button', { name: /Tenant/ }).click();
  const search = page.getByRole('combobox', { name: 'Search tenants' });
  await expect(search).toBeFocused();
  await search.fill('nothing-matches-this');
  await expect(page.getByText('No matching tenant')).toBeVisible();
  await search.fill('contoso');
  await expect(page.getByRole('option', { name: /Contoso Managed Services/ })).toBeVisible();
  await search.press('Enter');
  await expect(page).toHaveURL(/\/t\/organization\/dashboard$/);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();

  await page.getByRole('link', { name: 'Automs' }).click();
  await expect(page).toHaveURL(/\/t\/organization\/automs$/);
  await expect(page.getByRole('heading', { name: 'Automs' })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/t\/organization\/dashboard$/);
  expect(await page.evaluate(() => (window as any).__hubMarker)).toBe('still-here');

  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome, Dana' })).toBeVisible();
  await page.screenshot({ path: path.join(__dirname, '..', 'screenshots', 'shell.png'), fullPage: true });
});

test('sign out ends the session everywhere', async ({ page, context, consoleErrors }) => {
  await signIn(page);
  await hydrated(page);
  const cookie = (await context.cookies()).find((c) => c.name === 'hub_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');

  await page.getByRole('button', { name: /Dana Whitfield/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  // The old token is dead on the server, not just dropped by the browser.
  const replay = await page.request.post('/api/workspaces', {
    headers: { cookie: `hub_session=${cookie!.value}` },
  });
  expect(replay.status()).toBe(401);
  await page.goto('/t/organization/alerts');
  await expect(page).toHaveURL(/\/login\?next=%2Ft%2Forganization%2Falerts$/);
});

test('a wrong password shows one clear message; the right one returns to the page asked for', async ({ page, consoleErrors }) => {
  await page.goto('/t/organization/vault');
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await page.getByLabel('Email').fill(ADMIN.email);
  consoleErrors.expectHttpError('/api/login', 401);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email or password is incorrect.');
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/t\/organization\/vault$/);
  await expect(page.getByRole('heading', { name: 'Vault' })).toBeVisible();
});

test('unknown pages answer 404 with the not-found page', async ({ page, consoleErrors }) => {
  await signIn(page);
  consoleErrors.expectHttpError('/no/such/page', 404);
  consoleErrors.expectHttpError('/t/someone-else/automs', 404);
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
  const unknownTenant = await page.goto('/t/someone-else/automs');
  expect(unknownTenant?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
});

// Regression: `next=/<tab>/127.0.0.1:4999/pwned` passed the old check and the hydrated form
// sent the browser to another origin after signing in.
test('a sign-in never leaves the site, whatever the return address says', async ({ page, context, baseURL, consoleErrors }) => {
  const hub = new URL(baseURL!).origin;
  for (const next of [
    '/\t/127.0.0.1:4999/pwned',
    '//127.0.0.1:4999/pwned',
    '/\\127.0.0.1:4999/pwned',
    '/%2F127.0.0.1:4999/pwned',
    'http://127.0.0.1:4999/pwned',
    '/\n/127.0.0.1:4999/pwned',
  ]) {
    await context.clearCookies();
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await hydrated(page);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('app-shell')).toBeVisible();
    const landed = new URL(page.url());
    expect(landed.origin, `next=${JSON.stringify(next)}`).toBe(hub);
    expect(landed.pathname).not.toContain('pwned');
  }
});
