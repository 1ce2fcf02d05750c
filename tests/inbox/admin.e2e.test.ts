/**
 * The Inbox in real headless Chromium: a mail delivered to Dovecot shows up, the agent replies,
 * the reply arrives threaded, the customer's answer lands in the same conversation, a search
 * finds an address with a plus, an auto-reply is marked and can be left out, and a hostile HTML
 * mail runs nothing in the admin.
 */
import type { Page } from 'playwright-core';
import { helpdeskInChromium, type BrowserHelpdesk } from '../helpers/inbox-browser';
import { mail, messageIdOf } from '../helpers/mails';

jest.setTimeout(180_000);

let helpdesk: BrowserHelpdesk;
let strapi: BrowserHelpdesk['strapi'];
let page: Page;
let relay: BrowserHelpdesk['relay'];
let dovecot: BrowserHelpdesk['dovecot'];
let box: string;
const dialogs: string[] = [];

beforeAll(async () => {
  helpdesk = await helpdeskInChromium({
    server: { incomingSecurity: 'starttls', tlsRejectUnauthorized: false },
    beforeLogIn: (p) =>
      p.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      }),
  });
  ({ strapi, page, relay, dovecot, box } = helpdesk);
});

afterAll(() => helpdesk?.stop());

const fetchNow = async () => {
  await page.getByRole('button', { name: 'Fetch now' }).click();
  await page.getByText(/new mail|No new mail/).first().waitFor();
};

it('shows a delivered mail, sends a threaded reply, and files the answer in the same conversation', async () => {
  const first = mail({ subject: 'Where is my parcel?', from: 'Carol <carol@customer.example>', to: 'help@example.com', body: 'Ordered last week.' });
  dovecot.deliver(first, box);

  await page.goto(`${strapi.url}/admin`);
  await page.getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await fetchNow();
  await page.getByRole('row', { name: /Where is my parcel\?/ }).click();
  await page.getByRole('heading', { name: 'Where is my parcel?' }).waitFor();
  await page.getByText('Ordered last week.').waitFor();

  // Before sending, the reply box says where the reply goes.
  expect(await page.getByTestId('reply-recipients').innerText()).toMatch(/^To: .*carol@customer\.example/);
  await page.getByLabel('Reply', { exact: true }).fill('It ships today.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByText('Reply sent').waitFor();
  const sent = relay.received.at(-1)!;
  expect(sent.rcptTo).toEqual(['carol@customer.example']);
  expect(sent.mail.subject).toBe('Re: Where is my parcel?');
  expect(sent.mail.inReplyTo).toBe(messageIdOf(first));
  expect(sent.mail.references).toBe(messageIdOf(first));
  await page.getByTestId('message-outbound').waitFor();

  // The customer answers the reply.
  dovecot.deliver(
    mail({
      subject: 'Re: Where is my parcel?',
      from: 'Carol <carol@customer.example>',
      inReplyTo: sent.mail.messageId,
      references: `${messageIdOf(first)} ${sent.mail.messageId}`,
      body: 'Great, thanks!',
      date: new Date(Date.now() + 2000),
    }),
    box
  );
  await page.getByRole('link', { name: 'Back' }).click();
  await fetchNow();
  expect(await page.getByRole('row', { name: /Where is my parcel\?/ }).count()).toBe(1);
  await page.getByRole('row', { name: /Where is my parcel\?/ }).click();
  await page.getByTestId('message-inbound').nth(1).waitFor();
  expect(await page.getByTestId('message-inbound').count()).toBe(2);
  expect(await page.getByTestId('message-outbound').count()).toBe(1);
});

it('finds a conversation by a sender address with a plus in it', async () => {
  dovecot.deliver(mail({ subject: 'Invoice copy', from: 'Dan <dan+orders@customer.example>', body: 'Please resend it.' }), box);

  await page.goto(`${strapi.url}/admin`);
  await page.getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await fetchNow();
  await page.getByRole('row', { name: /Invoice copy/ }).waitFor();
  await page.getByRole('row', { name: /Where is my parcel\?/ }).waitFor();

  await page.getByRole('main').getByRole('button', { name: 'Search' }).click();
  const search = page.locator('input[name="search"]');
  await search.fill('dan+orders@customer.example');
  await search.press('Enter');
  // The other customer's conversation leaves the list once the search has answered.
  await page.getByRole('row', { name: /Where is my parcel\?/ }).waitFor({ state: 'detached' });
  expect(await page.getByRole('row', { name: /Invoice copy/ }).count()).toBe(1);
});

it('marks an auto-reply and leaves it out when the agent picks "From people"', async () => {
  dovecot.deliver(mail({ subject: 'Away until Monday', from: 'Ivy <ivy@customer.example>', extraHeaders: 'Auto-Submitted: auto-replied', body: 'I am away.' }), box);

  await page.goto(`${strapi.url}/admin`);
  await page.getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await fetchNow();
  const away = page.getByRole('row', { name: /Away until Monday/ });
  await away.waitFor();
  expect(await away.getByText('Automatic', { exact: true }).count()).toBe(1);
  expect(await away.getByText('New', { exact: true }).count()).toBe(0);

  await page.getByRole('combobox', { name: 'Mail' }).click();
  await page.getByRole('option', { name: 'From people', exact: true }).click();
  await away.waitFor({ state: 'detached' });
  expect(await page.getByRole('row', { name: /Where is my parcel\?/ }).count()).toBe(1);
});

it('runs nothing from a hostile HTML mail', async () => {
  dovecot.deliver(
    [
      'From: mallory@customer.example',
      'To: help@example.com',
      'Subject: Totally normal invoice',
      'Message-ID: <hostile@customer.example>',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Invoice attached</p><script>window.parent.__pwned = 1; alert("script")</script>' +
        '<img src="x" onerror="window.parent.__pwned = 2; alert(\'onerror\')">' +
        '<svg onload="alert(\'svg\')"></svg><a href="javascript:alert(\'link\')">pay</a>',
      '',
    ].join('\r\n'),
    box
  );
  await page.goto(`${strapi.url}/admin/plugins/email-server`);
  await fetchNow();
  await page.getByRole('row', { name: /Totally normal invoice/ }).click();
  await page.getByRole('heading', { name: 'Totally normal invoice' }).waitFor();
  const frame = page.frameLocator('iframe').first();
  await frame.getByText('Invoice attached').waitFor();
  const link = frame.getByText('pay', { exact: true });
  await link.click();
  // A round trip through the frame after the click: whatever the click started has run by now.
  // The link no longer leads to javascript:, and nothing ran.
  expect((await link.evaluate((el) => el.closest('a')?.getAttribute('href'))) ?? '').not.toMatch(/^\s*javascript:/i);
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
});
