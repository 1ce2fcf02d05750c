/**
 * The server edit page in headless Chromium: its "Recent activity" panel says who did what, the
 * delete dialog names the campaigns that keep a server from being deleted, and the default
 * server's dialogs say where Strapi's own mail goes once it is gone or disabled.
 */
import type { Browser, Page } from 'playwright-core';
import { openAdmin, screenshot } from '../helpers/browser';
import { waitUntil } from '../helpers/net';
import { api, firstAdminWithToken, startStrapiProcess, type RunningStrapi } from '../helpers/server-process';

jest.setTimeout(180_000);

let strapi: RunningStrapi;
let browser: Browser;
let page: Page;
let call: ReturnType<typeof api>;

const FALLBACK = "Strapi's own mail (password resets, invitations) goes back to the email provider configured in config/plugins.";

beforeAll(async () => {
  strapi = await startStrapiProcess({ EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com' });
  const admin = await firstAdminWithToken(strapi.url);
  call = api(strapi.url, admin.token);
  ({ browser, page } = await openAdmin(strapi.url, admin.email, admin.password));
});

afterAll(async () => {
  await browser?.close();
  await strapi?.stop();
});

it('shows the recent activity, refuses a delete naming the campaign in the way, and warns before the default server goes', async () => {
  const created = await call('POST', '/email-server/servers', {
    name: 'Newsletter relay',
    type: 'smtp',
    senderEmail: 'news@example.com',
    smtpHost: 'smtp.example.com',
    smtpPort: 587,
    isDefault: true,
  });
  expect(created.status).toBe(201);
  const server = created.body.data.documentId as string;
  expect((await call('PUT', `/email-server/servers/${server}`, { senderName: 'News', smtpUsername: 'news', smtpPassword: 'Relay-Secret-1' })).status).toBe(200);
  const campaign = await call('POST', '/email-server/campaigns', {
    name: 'Winter sale',
    server,
    subject: 'Hi',
    text: 'Hello',
    recipients: [{ email: 'ann@example.org' }],
  });
  expect(campaign.status).toBe(201);
  const at = new Date(Date.now() + 3600_000).toISOString();
  expect((await call('POST', `/email-server/campaigns/${campaign.body.data.documentId}/send`, { at })).status).toBe(200);

  await page.goto(`${strapi.url}/admin/settings/email-server/${server}`);
  const panel = page.getByTestId('server-activity');
  await panel.getByText('Scheduled the campaign Winter sale').waitFor();
  await panel.getByText('Changed: senderName, smtpUsername, smtpPassword').waitFor();
  await panel.getByText('Made it the default server').waitFor();
  await panel.getByText('Created the server').waitFor();
  expect(await panel.getByText('Ada Admin', { exact: false }).count()).toBe(4);
  expect(await panel.textContent()).not.toContain('Relay-Secret-1');
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'server-activity');

  // The delete is refused; the dialog says why and names the campaign.
  await page.getByRole('button', { name: 'Delete', exact: true }).first().click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByText(FALLBACK, { exact: false }).waitFor();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  const refusal = dialog.getByTestId('server-in-use');
  await refusal.getByText('Winter sale', { exact: true }).waitFor();
  expect(await refusal.textContent()).toContain('cannot be deleted while a campaign uses it');
  await screenshot(page, 'server-delete-refused');
  await page.keyboard.press('Escape');
  expect((await call('GET', `/email-server/servers/${server}`)).status).toBe(200);

  // Disabling the default server asks first, with the same sentence; confirmed, it is saved.
  await page.getByLabel('Enabled').click({ force: true });
  await page.getByRole('button', { name: 'Done' }).click();
  const confirm = page.getByRole('alertdialog');
  await confirm.getByText(FALLBACK, { exact: false }).waitFor();
  expect((await call('GET', `/email-server/servers/${server}`)).body.data.enabled).toBe(true);
  await confirm.getByRole('button', { name: 'Disable and save' }).click();
  await confirm.waitFor({ state: 'detached' });
  await waitUntil(async () => (await call('GET', `/email-server/servers/${server}`)).body.data.enabled === false, 10_000, 'the server saved disabled');
});
