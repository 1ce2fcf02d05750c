/**
 * The agents' Inbox in real headless Chromium, with polling on: a note is written and shown
 * apart from replies (and nothing is sent); with the list open, a mail delivered to Dovecot
 * changes the menu's unread count and appears without a reload; a customer's answer appears in
 * the conversation being read, again without a reload.
 */
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser';
import { helpdeskInChromium, type BrowserHelpdesk } from '../helpers/inbox-browser';
import { mail, messageIdOf } from '../helpers/mails';
import { waitUntil } from '../helpers/net';

jest.setTimeout(180_000);

// The server polls its mailbox every 10 s (the least allowed) and the page asks every 5 s.
const LIVE = 40_000;

let helpdesk: BrowserHelpdesk;
let strapi: BrowserHelpdesk['strapi'];
let page: Page;
let relay: BrowserHelpdesk['relay'];
let dovecot: BrowserHelpdesk['dovecot'];
let box: string;
let call: BrowserHelpdesk['call'];

beforeAll(async () => {
  helpdesk = await helpdeskInChromium({
    env: { EMAIL_SERVER_POLLING: 'true', EMAIL_SERVER_POLL_TICK_MS: '250' },
    server: { incomingSecurity: 'starttls', tlsRejectUnauthorized: false, pollIntervalSeconds: 10 },
  });
  ({ strapi, page, relay, dovecot, box, call } = helpdesk);
});

afterAll(() => helpdesk?.stop());

const badge = () => page.getByTestId('inbox-unread-count');
const conversations = async () => ((await call('GET', '/email-server/conversations?status=')).body?.data ?? []) as any[];

let first: string;

it('a note is written in the conversation and shown apart from replies, and nothing is sent', async () => {
  first = mail({ subject: 'Scratched lens', from: 'Nina <nina@customer.example>', body: 'The lens arrived scratched.' });
  dovecot.deliver(first, box);
  await waitUntil(async () => (await conversations()).some((c) => c.subject === 'Scratched lens'), LIVE, 'the poller to store the mail');

  await page.goto(`${strapi.url}/admin`);
  await badge().filter({ hasText: /^1$/ }).waitFor({ timeout: LIVE });
  await page.getByRole('link', { name: /Inbox/ }).click();
  await page.getByRole('row', { name: /Scratched lens/ }).click();
  await page.getByText('The lens arrived scratched.').waitFor();

  await page.getByLabel('Internal note').fill('Ask the courier for photos.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.getByText('Note added').waitFor();
  const note = page.getByTestId('message-note');
  await note.getByText('Ask the courier for photos.').waitFor();
  expect(await note.innerText()).toContain('Ada Admin');
  expect(await page.getByTestId('message-outbound').count()).toBe(0);
  expect(await page.getByTestId('message-inbound').count()).toBe(1);
  // Different colours: a note never looks like a received mail.
  const colour = (testId: string) => page.getByTestId(testId).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await colour('message-note')).not.toBe(await colour('message-inbound'));
  expect(relay.received).toHaveLength(0);
  // Opening it read it: the badge goes.
  await badge().waitFor({ state: 'detached', timeout: LIVE });
  await screenshot(page, 'inbox-note');
});

it('with the list open, a delivered mail raises the unread count and appears without a reload', async () => {
  await page.getByRole('link', { name: /Inbox/ }).click();
  await page.getByRole('row', { name: /Scratched lens/ }).waitFor();
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));

  dovecot.deliver(mail({ subject: 'Cracked case', from: 'Otto <otto@customer.example>', body: 'The case is cracked.' }), box);
  await page.getByRole('row', { name: /Cracked case/ }).waitFor({ timeout: LIVE });
  await badge().filter({ hasText: /^1$/ }).waitFor({ timeout: LIVE });
  expect(loads).toEqual([]);
});

it('an answer in the conversation being read appears without a reload', async () => {
  await page.getByRole('row', { name: /Scratched lens/ }).click();
  await page.getByText('The lens arrived scratched.').waitFor();
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  dovecot.deliver(mail({ subject: 'Re: Scratched lens', from: 'Nina <nina@customer.example>', inReplyTo: messageIdOf(first)!, body: 'Photos attached soon.' }), box);
  await page.getByText('Photos attached soon.').waitFor({ timeout: LIVE });
  expect(await page.getByTestId('message-inbound').count()).toBe(2);
  expect(loads).toEqual([]);
});

it('a saved reply is written on its page (a Liquid error shown on the field) and inserted filled in; the agent takes the conversation', async () => {
  await page.getByRole('link', { name: /Inbox/ }).click();
  await page.getByRole('link', { name: 'Saved replies' }).click();
  await page.getByRole('heading', { name: 'Saved replies' }).waitFor();
  await page.getByRole('button', { name: 'New saved reply' }).click();
  await page.getByLabel('Name').fill('Greeting');
  await page.getByLabel('Text').fill('Hello {{ customer.name }},\n{% if x %}unclosed');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText(/^Line 2: /).waitFor();
  await page.getByLabel('Text').fill('Hello {{ customer.name }}, about {{ conversation.subject }}.');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText('Saved reply saved').waitFor();
  await page.getByRole('row', { name: /Greeting/ }).waitFor();

  await page.getByRole('link', { name: /Inbox/ }).click();
  await page.getByRole('row', { name: /Scratched lens/ }).click();
  await page.getByRole('combobox', { name: 'Insert a saved reply' }).click();
  await page.getByRole('option', { name: 'Greeting', exact: true }).click();
  await waitUntil(async () => (await page.getByLabel('Reply', { exact: true }).inputValue()) === 'Hello Nina, about Scratched lens.', 10_000, 'the filled-in text in the reply box');

  await page.getByRole('button', { name: 'Take it' }).click();
  await page.getByTestId('owner').filter({ hasText: 'Owner: Ada Admin' }).waitFor();
  const listed = (await conversations()).find((c) => c.subject === 'Scratched lens');
  expect(listed.assignee).toMatchObject({ name: 'Ada Admin', email: 'admin@example.com' });
  expect(relay.received).toHaveLength(0);
});
