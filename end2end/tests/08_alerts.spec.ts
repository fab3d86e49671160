import { test, expect, hydrated, signIn } from './fixtures';
import AxeBuilder from '@axe-core/playwright';
import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';

// Continues the MSP Admin's hub with a real runner process (`msp-hub runner`): an Autom run
// now goes queued → running → succeeded on its page, a failing one → failed and raises an
// alert, which is acknowledged and resolved on the alerts page (the sidebar's count follows);
// the Runs page filters them; a tenant at its Autom limit says so, and the MSP Admin has the
// limit alert.
test.describe.configure({ mode: 'serial' });

const shots = path.join(__dirname, '..', 'screenshots');
const root = path.resolve(__dirname, '..', '..');
const bin = process.env.HUB_BIN ?? path.join(root, 'target', 'release', 'msp-hub');
const TENANT = 'client-04';

let runner: ChildProcess | undefined;
let runnerOutput = '';

test.afterAll(async () => {
  if (runner && runner.exitCode === null) {
    runner.kill('SIGTERM');
    await new Promise((done) => runner!.once('exit', done));
  }
});

test('a real runner fails a run, the alert it raises is acknowledged and resolved', async ({ page, baseURL, consoleErrors: _guard }) => {
  test.setTimeout(90_000);
  await signIn(page);
  await page.setViewportSize({ width: 1440, height: 900 });

  // A runner key of this tenant, and the runner binary started with it.
  const created = await page.request.post('/api/t/api_keys/create', {
    form: { tenant: TENANT, name: 'Site runner', scopes: 'runs:write alerts:write', expires_in_days: '' },
  });
  expect(created.status()).toBe(200);
  const key = (await created.json()).secret as string;

  // Two Automs: one that waits and succeeds, one that waits, then fails and raises a critical
  // alert when it does.
  await page.goto(`/t/${TENANT}/automs`);
  await hydrated(page);
  const form = page.getByTestId('new-autom');
  const create = async (name: string, definition: string, alert: string) => {
    if (!(await form.evaluate((d) => (d as HTMLDetailsElement).open))) await form.locator('summary').click();
    await form.getByLabel('Name').fill(name);
    await form.getByLabel(/^Definition/).fill(definition);
    await form.getByLabel('When it fails').selectOption(alert);
    await form.getByRole('button', { name: 'Create Autom' }).click();
    await expect(page.getByTestId('autom-row').filter({ hasText: name })).toBeVisible();
  };
  await create('Ping the site', '{"steps":[{"kind":"log","message":"Pinging"},{"kind":"wait","seconds":3},{"kind":"log","message":"All answered"}]}', 'none');
  await create('Disk check', '{"steps":[{"kind":"log","message":"Checking volumes"},{"kind":"wait","seconds":3},{"kind":"fail","message":"Volume D: has 3% free"}]}', 'critical');

  // Run now with no runner yet: queued. The runner process starts; the page follows the run
  // to running and succeeded without a reload.
  await page.getByTestId('autom-row').filter({ hasText: 'Ping the site' }).getByRole('link', { name: 'Ping the site' }).click();
  await expect(page.getByTestId('autom-name')).toHaveText('Ping the site');
  await page.getByTestId('run-now').click();
  let latest = page.getByTestId('run-row').first();
  await expect(latest.getByTestId('run-status')).toHaveText('Queued');

  runner = spawn(bin, ['runner', '--url', baseURL!, '--key', key], { stdio: ['ignore', 'pipe', 'pipe'] });
  runner.stdout!.on('data', (d) => (runnerOutput += d));
  runner.stderr!.on('data', (d) => (runnerOutput += d));

  await expect(latest.getByTestId('run-status')).toHaveText('Running', { timeout: 20_000 });
  await expect(latest.getByTestId('run-status')).toHaveText('Succeeded', { timeout: 20_000 });
  await expect(latest).toContainText('Site runner');

  // The failing one: running, then failed, on its page.
  await page.goto(`/t/${TENANT}/automs`);
  await hydrated(page);
  await page.getByTestId('autom-row').filter({ hasText: 'Disk check' }).getByRole('link', { name: 'Disk check' }).click();
  await expect(page.getByTestId('autom-name')).toHaveText('Disk check');
  await page.getByTestId('run-now').click();
  latest = page.getByTestId('run-row').first();
  await expect(latest.getByTestId('run-status')).toHaveText('Running', { timeout: 20_000 });
  await expect(latest.getByTestId('run-status')).toHaveText('Failed', { timeout: 20_000 });
  expect(runner.exitCode, runnerOutput).toBeNull();

  // The tenant's run history has both, and filters them.
  await page.goto(`/t/${TENANT}/runs`);
  await hydrated(page);
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await page.getByLabel('Status').selectOption('failed');
  await expect(page).toHaveURL(/status=failed/);
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('run-row')).toContainText('Disk check');
  await page.screenshot({ path: path.join(shots, 'runs.png'), fullPage: true });

  // The alert is counted in the sidebar and listed on the alerts page.
  await page.goto(`/t/${TENANT}/alerts`);
  await hydrated(page);
  await expect(page.getByTestId('nav-open-alerts')).toHaveText(/^1/);
  const alert = page.getByTestId('alert-row').filter({ hasText: 'Disk check failed' });
  await expect(alert).toBeVisible();
  await expect(alert.getByTestId('alert-severity')).toHaveText('Critical');
  await expect(alert.getByTestId('alert-status')).toHaveText('Open');
  await alert.locator('summary', { hasText: 'Details' }).click();
  await expect(alert).toContainText('Volume D: has 3% free');
  await page.screenshot({ path: path.join(shots, 'alerts.png'), fullPage: true });
  // With rows, checkboxes and menus on it, the page has no serious accessibility finding.
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(
    axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`),
  ).toEqual([]);

  // Acknowledged from its row menu (and assigned to me), then resolved from the bulk bar.
  await alert.getByTestId('row-menu').locator('summary').click();
  await alert.getByRole('menuitem', { name: 'Acknowledge' }).click();
  await expect(alert.getByTestId('alert-status')).toHaveText('Acknowledged');
  await expect(page.getByTestId('open-alerts')).toContainText('0 open alerts');
  await expect(page.getByTestId('nav-open-alerts')).toHaveCount(0);
  await alert.getByTestId('row-menu').locator('summary').click();
  await alert.getByRole('menuitem', { name: 'Assign to me' }).click();
  await expect(alert.getByTestId('alert-assignee')).toHaveText('Dana Whitfield');

  await alert.getByTestId('select-alert').check();
  await expect(page.getByTestId('selected-count')).toHaveText('1 selected');
  await page.getByTestId('bulk-bar').getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByTestId('no-alerts')).toBeVisible();
  await page.getByLabel('Status').selectOption('resolved');
  await expect(page).toHaveURL(/status=resolved/);
  await expect(page.getByTestId('alert-row').filter({ hasText: 'Disk check failed' }).getByTestId('alert-status')).toHaveText('Resolved');
});

test('a tenant at its Autom limit says so, and the MSP Admin has the limit alert', async ({ page }) => {
  await signIn(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  const context = await page.request.post('/api/t/context', { form: { tenant: TENANT } });
  expect(context.status()).toBe(200);
  const { id, name } = await context.json();
  // Two Automs exist; a limit of three leaves one place.
  const limited = await page.request.post('/api/tenants/update', {
    form: { id, name, max_automs: '3', max_users: '20', max_agents: '2' },
  });
  expect(limited.status()).toBe(200);

  await page.goto(`/t/${TENANT}/automs`);
  await hydrated(page);
  await page.getByTestId('new-autom').locator('summary').click();
  const form = page.getByTestId('new-autom');
  await form.getByLabel('Name').fill('Last place');
  await form.getByLabel(/^Definition/).fill('{"steps":[{"kind":"log","message":"hi"}]}');
  await form.getByRole('button', { name: 'Create Autom' }).click();
  await expect(page.getByTestId('autom-limit')).toContainText(`${name} has used 3 of 3 Automs`);
  await expect(page.getByTestId('autom-limit')).toContainText('ask your MSP Admin to raise the limit');
  await expect(page.getByTestId('new-autom')).toHaveCount(0);
  await page.screenshot({ path: path.join(shots, 'automs-at-limit.png'), fullPage: true });

  await page.goto(`/t/${TENANT}/alerts?source=limit`);
  await hydrated(page);
  const alert = page.getByTestId('alert-row').filter({ hasText: `${name} has used 3 of 3 Automs` });
  await expect(alert).toBeVisible();
  await expect(alert.getByTestId('alert-severity')).toHaveText('Warning');

  // On a phone the table scrolls inside its panel; the page itself does not.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(shots, 'alerts-phone.png'), fullPage: true });
});
