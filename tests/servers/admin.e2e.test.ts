/**
 * The admin panel in real headless Chromium against a real `strapi start`: create, list, edit,
 * validate and delete an email server the way an administrator does.
 */
import type { Browser, Page } from 'playwright-core';
import { openAdmin, screenshot } from '../helpers/browser';
import { firstAdminWithToken, startStrapiProcess, type RunningStrapi } from '../helpers/server-process';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';

jest.setTimeout(180_000);

let strapi: RunningStrapi;
let browser: Browser;
let page: Page;
let apiToken: string;
let relay: ScriptedSmtp;

beforeAll(async () => {
  relay = await startSmtpServer({ auth: { username: 'relay', password: 'Relay-Secret-1' } });
  strapi = await startStrapiProcess();
  const admin = await firstAdminWithToken(strapi.url);
  apiToken = admin.token;
  ({ browser, page } = await openAdmin(strapi.url, admin.email, admin.password));
});

afterAll(async () => {
  await browser?.close();
  await strapi?.stop();
  await relay?.stop();
});

const input = (name: string) => page.locator(`input[name="${name}"]`);
const visible = (text: string) => page.getByText(text, { exact: true });
const label = (text: string) => page.locator('label', { hasText: text });
const chooseOption = async (label: string, option: string) => {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};
const gone = (locator: ReturnType<Page['locator']>) => locator.waitFor({ state: 'detached' });

/** What is really stored, read through the API with a token of our own. */
const fetchServers = async () => {
  const res = await fetch(`${strapi.url}/email-server/servers`, {
    headers: { Authorization: `Bearer ${apiToken}` },
  });
  return ((await res.json()) as any).data as Array<Record<string, unknown>>;
};

it('creates, lists, edits and deletes an SMTP server', async () => {
  // Settings → Email servers, empty at first.
  await page.goto(`${strapi.url}/admin/settings`);
  await page.getByRole('link', { name: 'Email servers' }).click();
  await page.getByRole('heading', { name: 'Email servers' }).waitFor();
  await visible('No email server yet').waitFor();

  // The create form shows the SMTP sections and hides the SendGrid token.
  await page.getByRole('button', { name: 'Create new server' }).first().click();
  await page.getByRole('heading', { name: 'Create new server' }).waitFor();
  await visible('Outgoing mail server').waitFor();
  await visible('Incoming mail server').waitFor();
  expect(await label('SendGrid API token').count()).toBe(0);

  // Switching to SendGrid swaps the sections.
  await chooseOption('Server type', 'SendGrid');
  await label('SendGrid API token').waitFor();
  expect(await visible('Outgoing mail server').count()).toBe(0);
  expect(await visible('Incoming mail server').count()).toBe(0);
  await chooseOption('Server type', 'SMTP');
  await visible('Outgoing mail server').waitFor();

  // Submitting an empty form shows the shared schema's errors under the fields, sends nothing.
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  expect(await page.getByText('This field is required.').count()).toBeGreaterThanOrEqual(3);
  expect(await fetchServers()).toEqual([]);

  await input('name').fill('Support mail');
  await input('senderEmail').fill('support@example.com');
  await input('replyTo').fill('help@example.com');
  await input('smtpHost').fill('smtp.example.com');
  await input('smtpPort').fill('587');
  await input('smtpUsername').fill('support');
  await page.locator('#field-smtpPassword input[type="password"], input[type="password"]').first().fill('smtp-Secret-1');
  await chooseOption('Protocol', 'IMAP');
  await input('incomingHost').fill('imap.example.com');
  await input('incomingPort').fill('993');
  await input('incomingUsername').fill('support');
  await page.locator('input[type="password"]').nth(1).fill('imap-Secret-2');
  await page.setViewportSize({ width: 1400, height: 1900 });
  await screenshot(page, 'form');
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.getByRole('button', { name: 'Create', exact: true }).click();

  // Created: the edit page of the new server, secrets shown as set.
  await page.getByRole('heading', { name: 'Support mail' }).waitFor();
  await page.getByRole('button', { name: 'Done' }).waitFor();
  expect(await page.getByText('Set', { exact: true }).count()).toBe(2);
  const [stored] = await fetchServers();
  expect(stored).toMatchObject({ name: 'Support mail', smtpPort: 587, incomingProtocol: 'imap', smtpPasswordSet: true });

  // A bad port is caught by the form before anything is sent.
  await input('smtpPort').fill('70000');
  await visible('Must be a whole number between 1 and 65535.').waitFor();
  await page.getByRole('button', { name: 'Done' }).click();
  await visible('Must be a whole number between 1 and 65535.').waitFor();
  expect((await fetchServers())[0].smtpPort).toBe(587);

  // Fix it: a new port means the stored password must be typed again, and the form says so on
  // the password field as soon as the port changes (the same rule the server applies).
  await input('smtpPort').fill('2525');
  await input('senderName').fill('Support team');
  const reenter = visible("Re-enter the password: the server's port changed.");
  await reenter.waitFor();
  // The SMTP password's input is open again (the incoming one stays "Set").
  await page.getByLabel('SMTP password').fill('smtp-Secret-1');
  await reenter.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('heading', { name: 'Email servers' }).waitFor();
  const row = page.getByRole('row', { name: /Support mail/ });
  await row.waitFor();
  expect(await row.innerText()).toContain('SMTP');
  expect(await row.innerText()).toContain('support@example.com');
  expect((await fetchServers())[0]).toMatchObject({ smtpPort: 2525, senderName: 'Support team', smtpPasswordSet: true });
  await screenshot(page, 'list');

  // Delete through the modal; Cancel keeps the server.
  await page.getByRole('button', { name: 'Delete Support mail' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  const text = await dialog.innerText();
  expect(text).toContain('Support mail');
  expect(text).toContain('Are you sure you want to delete this Email Server?');
  expect(text).toContain('This action cannot be undone.');
  await screenshot(page, 'delete-modal');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await gone(dialog);
  expect(await fetchServers()).toHaveLength(1);

  // Delete removes it permanently.
  await page.getByRole('button', { name: 'Delete Support mail' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await visible('No email server yet').waitFor();
  expect(await fetchServers()).toEqual([]);
});

it('shows a duplicate name from the server on the name field, and deletes from the edit page', async () => {
  await page.goto(`${strapi.url}/admin/settings/email-server/create`);
  await chooseOption('Server type', 'SendGrid');
  await input('name').fill('Newsletter');
  await input('senderEmail').fill('news@example.com');
  await page.locator('input[type="password"]').fill('SG.token-1');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('button', { name: 'Done' }).waitFor();

  await page.goto(`${strapi.url}/admin/settings/email-server/create`);
  await chooseOption('Server type', 'SendGrid');
  await input('name').fill('NEWSLETTER');
  await input('senderEmail').fill('other@example.com');
  await page.locator('input[type="password"]').fill('SG.token-2');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText('An email server with this name already exists.').first().waitFor();
  expect(await fetchServers()).toHaveLength(1);

  await page.goto(`${strapi.url}/admin/settings/email-server`);
  await page.getByRole('row', { name: /Newsletter/ }).click();
  await page.getByRole('button', { name: 'Done' }).waitFor();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('alertdialog');
  expect(await dialog.innerText()).toContain('Newsletter');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await visible('No email server yet').waitFor();
  expect(await fetchServers()).toEqual([]);
});

it('tests the connection, sends a test email, and shows a failure after the password changes', async () => {
  await page.goto(`${strapi.url}/admin/settings/email-server/create`);
  await input('name').fill('Relay');
  await input('senderEmail').fill('relay@example.com');
  await input('smtpHost').fill('127.0.0.1');
  await input('smtpPort').fill(String(relay.port));
  await chooseOption('Security', 'None (plain text)');
  await input('smtpUsername').fill('relay');
  await page.locator('input[type="password"]').fill('Relay-Secret-1');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('button', { name: 'Done' }).waitFor();

  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText(`Outgoing: Connected to 127.0.0.1:${relay.port} and logged in.`).waitFor();
  await screenshot(page, 'test-connection');

  await input('testEmailTo').fill('me@example.org');
  await page.getByRole('button', { name: 'Send test email' }).click();
  await page.getByText('Test email sent to me@example.org').waitFor();
  expect(relay.received).toHaveLength(1);
  expect(relay.received[0].rcptTo).toEqual(['me@example.org']);
  expect(relay.received[0].mail.from?.value[0].address).toBe('relay@example.com');

  // Replace the password with a wrong one, press Done, and test again.
  await page.getByRole('button', { name: 'Replace' }).click();
  await page.locator('input[type="password"]').fill('Wrong-Secret-2');
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('heading', { name: 'Email servers' }).waitFor();
  await page.getByRole('row', { name: /Relay/ }).click();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByText(`Outgoing: Authentication failed on 127.0.0.1:${relay.port}: check the username and password.`).waitFor();
  expect(await page.content()).not.toContain('Wrong-Secret-2');

  // The list shows the failed check.
  await page.goto(`${strapi.url}/admin/settings/email-server`);
  const row = page.getByRole('row', { name: /Relay/ });
  await row.waitFor();
  expect(await row.innerText()).toContain('Authentication failed');
});
