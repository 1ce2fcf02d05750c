/**
 * The reply box in real headless Chromium: a mail with a Cc shows the Cc prefilled, a file is
 * attached through the browser's file chooser, and the SMTP server receives the reply with the
 * Cc and the file, which the thread then shows.
 */
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser';
import { helpdeskInChromium, type BrowserHelpdesk } from '../helpers/inbox-browser';
import { mail } from '../helpers/mails';
import { waitUntil } from '../helpers/net';

jest.setTimeout(180_000);

let helpdesk: BrowserHelpdesk;
let strapi: BrowserHelpdesk['strapi'];
let page: Page;
let relay: BrowserHelpdesk['relay'];
let dovecot: BrowserHelpdesk['dovecot'];
let box: string;

beforeAll(async () => {
  helpdesk = await helpdeskInChromium();
  ({ strapi, page, relay, dovecot, box } = helpdesk);
});

afterAll(() => helpdesk?.stop());

it('prefills the Cc, attaches a file from the file chooser and sends both', async () => {
  dovecot.deliver(
    mail({
      subject: 'Broken hinge',
      from: 'Carol <carol@customer.example>',
      to: 'help@example.com',
      extraHeaders: 'Cc: Dan <dan@customer.example>',
      body: 'The hinge broke after a week.',
    }),
    box
  );
  await page.goto(`${strapi.url}/admin`);
  await page.getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await page.getByRole('button', { name: 'Fetch now' }).click();
  await page.getByRole('row', { name: /Broken hinge/ }).click();
  await page.getByText('The hinge broke after a week.').waitFor();

  // The reply-all: To the sender, Cc the other person, shown and editable.
  expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('carol@customer.example');
  expect(await page.getByLabel('Cc', { exact: true }).inputValue()).toBe('dan@customer.example');

  const manual = Buffer.from('Step 1: unscrew the hinge.\n'.repeat(200));
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Attach files' }).click()]);
  await chooser.setFiles({ name: 'hinge-manual.txt', mimeType: 'text/plain', buffer: manual });
  await page.getByTestId('reply-files').getByText(/hinge-manual\.txt/).waitFor();

  const before = relay.received.length;
  await page.getByLabel('Reply', { exact: true }).fill('A new hinge is on its way; the manual is attached.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByText('Reply sent').waitFor();
  await waitUntil(() => relay.received.length > before, 10_000, 'the reply at the SMTP server');
  const sent = relay.received.at(-1)!;
  expect([...sent.rcptTo].sort()).toEqual(['carol@customer.example', 'dan@customer.example']);
  expect((sent.mail.cc as any)?.value.map((a: any) => a.address)).toEqual(['dan@customer.example']);
  expect(sent.mail.attachments.map((a) => a.filename)).toEqual(['hinge-manual.txt']);
  expect(sent.mail.attachments[0].content.equals(manual)).toBe(true);

  // The thread shows the reply with its Cc and its file.
  const reply = page.getByTestId('message-outbound');
  await reply.getByRole('button', { name: /hinge-manual\.txt/ }).waitFor();
  expect(await reply.getByTestId('message-cc').innerText()).toMatch(/dan@customer\.example/);
  await screenshot(page, 'conversation-reply-attachment');
});
