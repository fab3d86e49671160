import { test as base, expect, Page } from '@playwright/test';

/** Lets a test declare the HTTP errors it provokes on purpose (path and status). */
export interface ConsoleGuard {
  expectHttpError(path: string, status: number): void;
}

/**
 * Fails the test on any console error or uncaught page error. Chromium logs every 4xx/5xx
 * fetch as a console error; only the ones a test declared are let through.
 */
export const test = base.extend<{ consoleErrors: ConsoleGuard }>({
  consoleErrors: async ({ page }, use) => {
    const errors: { text: string; url: string }[] = [];
    const expected: { path: string; status: number }[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push({ text: msg.text(), url: msg.location().url });
    });
    page.on('pageerror', (err) => errors.push({ text: err.message, url: '' }));
    await use({ expectHttpError: (path, status) => expected.push({ path, status }) });
    const unexpected = errors.filter(
      (e) => !expected.some((x) => e.url.includes(x.path) && e.text.includes(`status of ${x.status}`)),
    );
    expect(unexpected.map((e) => `${e.text} ${e.url}`), 'console errors').toEqual([]);
  },
});

export { expect };

/** Waits until the WASM app has hydrated the server-rendered page. */
export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]');
}

export const ADMIN = {
  organization: 'Contoso Managed Services',
  name: 'Dana Whitfield',
  email: 'dana@contoso-msp.example',
  password: 'correct horse battery staple',
};

/** Signs someone in through the login page and waits for the shell. */
export async function signInAs(page: Page, email: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('app-shell')).toBeVisible();
}

/** Signs the ADMIN in. */
export async function signIn(page: Page) {
  await signInAs(page, ADMIN.email, ADMIN.password);
}
