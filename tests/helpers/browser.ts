import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './strapi';

/**
 * Where screenshots go: a git-ignored folder, so a test run leaves the working tree as it was.
 * `npm run screenshots` points this at docs/screenshots to refresh the README's pictures.
 */
export const SCREENSHOTS = path.resolve(ROOT, process.env.SCREENSHOTS_DIR ?? path.join('tests', 'artifacts', 'screenshots'));

/** Debian's Chromium, never a downloaded browser. */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

/** Saves a screenshot (for the README, see SCREENSHOTS), once notifications and animations have settled. */
export const screenshot = async (page: Page, name: string, options: { fullPage?: boolean } = {}) => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const close of await page.getByRole('button', { name: 'Close', exact: true }).all()) {
    await close.click({ timeout: 1000 }).catch(() => undefined);
  }
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage });
};

/**
 * Debian's Chromium on a 1400 × 1000 page, logged in to the admin panel at `url`. `beforeLogIn`
 * sees the page first (to listen for dialogs from the very start).
 */
export const openAdmin = async (url: string, email: string, password: string, beforeLogIn?: (page: Page) => void) => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(15_000);
    beforeLogIn?.(page);
    await logIn(page, url, email, password);
    return { browser, page };
  } catch (error) {
    await browser.close();
    throw error;
  }
};

export const logIn = async (page: Page, url: string, email: string, password: string) => {
  await page.goto(`${url}/admin/auth/login`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Login' }).click();
  await page.waitForURL(/\/admin(\/)?$/, { timeout: 30_000 });
  // Strapi's own "new Media Library" banner would cover the top of every screenshot.
  const banner = page.getByText('Introducing the new Media Library');
  if (await banner.isVisible().catch(() => false)) {
    await page.getByRole('button', { name: /^Close the banner/ }).click({ timeout: 2000 }).catch(() => undefined);
  }
};
