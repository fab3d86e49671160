import { test, expect, hydrated, signIn } from './fixtures';
import path from 'node:path';

// Continues the MSP Admin's hub: an Autom created in the browser, run now, claimed and
// completed by a runner over /api/v1, and watched from queued to succeeded on its pages.
test.describe.configure({ mode: 'serial' });

const shots = path.join(__dirname, '..', 'screenshots');

test('an Autom is created, run now, run by a runner and its run read in the browser', async ({ page, consoleErrors }) => {
  // The two refusals below are on purpose (a cron with four fields, a bad definition).
  consoleErrors.expectHttpError('/api/automs/schedule_preview', 422);
  consoleErrors.expectHttpError('/api/t/automs/create', 422);
  await signIn(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/t/client-02/automs');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Automs', exact: true })).toBeVisible();
  await expect(page.getByTestId('no-automs')).toBeVisible();

  // A schedule shows its next runs as it is typed; a bad field says which.
  await page.getByTestId('new-autom').locator('summary').click();
  const form = page.getByTestId('new-autom');
  await form.getByLabel('Name').fill('Backup check');
  await form.getByLabel('Starts').selectOption('schedule');
  await form.getByLabel('Cron (minute hour day month weekday)').fill('0 3 * *');
  await expect(page.getByTestId('schedule-preview')).toContainText('has 4');
  await form.getByLabel('Cron (minute hour day month weekday)').fill('0 3 * * 1-5');
  await form.getByLabel('Time zone').fill('Europe/Berlin');
  await expect(page.getByTestId('schedule-preview').locator('li')).toHaveCount(5);
  await form.getByLabel('Starts').selectOption('manual');
  await form.getByLabel(/^Definition/).fill('{"steps":[{"kind":"log","message":"Checking {{input.host}}"},{"kind":"wait","seconds":1}]}');
  await form.getByRole('button', { name: 'Create Autom' }).click();
  const row = page.getByTestId('autom-row').filter({ hasText: 'Backup check' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Never run');
  await expect(page.getByTestId('autom-count')).toContainText('1 / ');

  // A definition with a bad value names its path and creates nothing.
  await form.getByLabel('Name').fill('Broken');
  await form.getByLabel(/^Definition/).fill('{"steps":[{"kind":"http","url":"ftp://files"}]}');
  await form.getByRole('button', { name: 'Create Autom' }).click();
  await expect(page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: 'steps[0].url' }).first()).toBeVisible();
  await expect(page.getByTestId('autom-row')).toHaveCount(1);

  await row.getByTestId('row-menu').locator('summary').click();
  await row.getByTestId('run-now').click();
  await expect(row.getByTestId('run-status')).toHaveText('Queued');
  await page.screenshot({ path: path.join(shots, 'automs.png'), fullPage: true });

  // A runner of this tenant claims the run, logs and completes it.
  const created = await page.request.post('/api/t/api_keys/create', {
    form: { tenant: 'client-02', name: 'E2E runner', scopes: 'runs:write', expires_in_days: '' },
  });
  expect(created.status()).toBe(200);
  const key = (await created.json()).secret as string;
  const auth = { Authorization: `Bearer ${key}` };
  const claim = await page.request.post('/api/v1/runs/claim', { headers: auth });
  expect(claim.status()).toBe(200);
  const run = await claim.json();
  expect(run.autom_name).toBe('Backup check');

  await row.getByRole('link', { name: 'Backup check' }).click();
  await expect(page.getByTestId('autom-name')).toHaveText('Backup check');
  await expect(page.getByTestId('run-row').first().getByTestId('run-status')).toHaveText('Running');

  const logged = await page.request.post(`/api/v1/runs/${run.run_id}/log`, {
    headers: auth,
    data: { lines: ['step 1 (log): Checking fs01', 'step 2 (wait): 1 s'] },
  });
  expect(logged.status()).toBe(200);
  const done = await page.request.post(`/api/v1/runs/${run.run_id}/complete`, { headers: auth, data: { status: 'succeeded' } });
  expect(done.status()).toBe(200);

  await page.reload();
  await hydrated(page);
  const first = page.getByTestId('run-row').first();
  await expect(first.getByTestId('run-status')).toHaveText('Succeeded');
  await expect(first).toContainText('E2E runner');
  await page.screenshot({ path: path.join(shots, 'autom-detail.png'), fullPage: true });

  // Cancelling a run asks first; the dialog's Cancel keeps it queued.
  await page.getByTestId('run-now').click();
  const queuedRow = page.getByTestId('run-row').first();
  await expect(queuedRow.getByTestId('run-status')).toHaveText('Queued');
  const dialog = page.getByTestId('confirm-dialog');
  await queuedRow.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toContainText('Cancel this run of Backup check?');
  await dialog.getByTestId('confirm-cancel').click();
  await expect(queuedRow.getByTestId('run-status')).toHaveText('Queued');
  await queuedRow.getByRole('button', { name: 'Cancel' }).click();
  await dialog.getByTestId('confirm-accept').click();
  await expect(queuedRow.getByTestId('run-status')).toHaveText('Cancelled');
  const second = page.getByTestId('run-row').nth(1);
  await second.getByRole('link').click();
  await expect(page.getByRole('heading', { name: /Run of Backup check/ })).toBeVisible();
  await expect(page.getByTestId('run-log')).toContainText('step 1 (log): Checking fs01');
  await page.screenshot({ path: path.join(shots, 'run.png'), fullPage: true });
});
