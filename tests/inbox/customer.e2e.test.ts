/**
 * The customer's records in real headless Chromium: a conversation from a user's address shows
 * the user beside the thread, the link opens that user in the Content Manager, a stranger's shows
 * that nothing is known, the Customer filter keeps to known senders, and a word of a mail's body
 * finds its conversation from the list's search.
 */
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser';
import { helpdeskInChromium, type BrowserHelpdesk } from '../helpers/inbox-browser';
import { mail } from '../helpers/mails';

jest.setTimeout(180_000);

const USER = 'plugin::users-permissions.user';
let helpdesk: BrowserHelpdesk;
let strapi: BrowserHelpdesk['strapi'];
let page: Page;
let user: { documentId: string };

beforeAll(async () => {
  helpdesk = await helpdeskInChromium();
  ({ strapi, page } = helpdesk);
  const { call, dovecot, box } = helpdesk;
  // Through the Content Manager, as an admin adds a user.
  const roles = await call('GET', '/users-permissions/roles');
  const authenticated = roles.body.roles.find((r: any) => r.type === 'authenticated');
  const res = await call('POST', `/content-manager/collection-types/${USER}`, {
    username: 'frida',
    email: 'frida@customer.example',
    password: 'User-password-1',
    confirmed: true,
    role: { connect: [{ id: authenticated.id }] },
  });
  expect({ status: res.status, error: res.body?.error }).toEqual({ status: 201, error: undefined });
  user = res.body.data ?? res.body;
  expect(user.documentId).toEqual(expect.any(String));
  dovecot.deliver(mail({ subject: 'Broken blender', from: 'Frida <Frida@customer.example>', body: 'The frobnicator stopped turning after a week.' }), box);
  dovecot.deliver(mail({ subject: 'Question about sizes', from: 'Sam <sam@elsewhere.example>', body: 'Do you have it in blue?' }), box);
});

afterAll(() => helpdesk?.stop());

const openInbox = async () => {
  await page.goto(`${strapi.url}/admin`);
  await page.getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
};

it('finds a conversation by a word of its body from the list', async () => {
  await openInbox();
  await page.getByRole('button', { name: 'Fetch now' }).click();
  await page.getByRole('row', { name: /Broken blender/ }).waitFor();
  await page.getByRole('row', { name: /Question about sizes/ }).waitFor();

  await page.getByRole('main').getByRole('button', { name: 'Search' }).click();
  const search = page.locator('input[name="search"]');
  await search.fill('frobnic');
  await search.press('Enter');
  await page.getByRole('row', { name: /Question about sizes/ }).waitFor({ state: 'detached' });
  expect(await page.getByRole('row', { name: /Broken blender/ }).count()).toBe(1);
});

it('keeps to known customers with the Customer filter, in the URL', async () => {
  await openInbox();
  await page.getByRole('row', { name: /Question about sizes/ }).waitFor();
  await page.getByRole('combobox', { name: 'Customer' }).click();
  await page.getByRole('option', { name: 'Known customers', exact: true }).click();
  await page.getByRole('row', { name: /Question about sizes/ }).waitFor({ state: 'detached' });
  expect(await page.getByRole('row', { name: /Broken blender/ }).count()).toBe(1);
  expect(new URL(page.url()).searchParams.get('customer')).toBe('known');

  await page.getByRole('combobox', { name: 'Customer' }).click();
  await page.getByRole('option', { name: 'Unknown senders', exact: true }).click();
  await page.getByRole('row', { name: /Broken blender/ }).waitFor({ state: 'detached' });
  expect(await page.getByRole('row', { name: /Question about sizes/ }).count()).toBe(1);
});

it("shows the customer's user beside the thread, and the link opens it in the Content Manager", async () => {
  await openInbox();
  await page.getByRole('row', { name: /Question about sizes/ }).click();
  const panel = page.getByTestId('customer-panel');
  await panel.getByText('No records in this Strapi app for sam@elsewhere.example').waitFor();

  await page.getByRole('link', { name: 'Back' }).click();
  await page.getByRole('row', { name: /Broken blender/ }).click();
  await page.getByText('The frobnicator stopped turning after a week.').waitFor();
  await panel.getByText('User', { exact: true }).waitFor();
  const link = panel.getByRole('link', { name: 'frida' });
  await link.waitFor();
  await screenshot(page, 'conversation-customer');
  await link.click();
  await page.waitForURL((url) => url.pathname === `/admin/content-manager/collection-types/${USER}/${user.documentId}`);
  // The Content Manager's edit view of that user.
  await page.getByRole('heading', { name: 'frida' }).waitFor();
  expect(await page.getByLabel('email').inputValue()).toBe('frida@customer.example');
});
