/**
 * A reply to a campaign mail in real headless Chromium: the Inbox row and the conversation's
 * header say "Reply to campaign <name>" and link to the campaign; a bounce of the same campaign
 * shows nowhere in the Inbox.
 */
import type { Page } from 'playwright-core';
import { helpdeskInChromium, type BrowserHelpdesk } from '../helpers/inbox-browser';
import { waitUntil } from '../helpers/net';
import { answerTo, postfixDsn } from '../helpers/reports';

jest.setTimeout(180_000);

let helpdesk: BrowserHelpdesk;
let page: Page;

beforeAll(async () => {
  helpdesk = await helpdeskInChromium({ env: { EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com', EMAIL_SERVER_CAMPAIGN_TICK_MS: '100' } });
  ({ page } = helpdesk);
});
afterAll(() => helpdesk?.stop());

it('shows a reply to a campaign as such, linked to the campaign, and no conversation for its bounce', async () => {
  const { call, relay, dovecot, box, strapi } = helpdesk;
  const created = await call('POST', '/email-server/campaigns', {
    name: 'Winter sale',
    server: 'Helpdesk',
    subject: 'Winter sale',
    text: 'Everything must go.',
    recipients: [{ email: 'rae@customer.example' }, { email: 'ros@customer.example' }],
  });
  expect(created.status).toBe(201);
  const campaign = created.body.data.documentId;
  expect((await call('POST', `/email-server/campaigns/${campaign}/send`, {})).status).toBe(200);
  await waitUntil(() => relay.received.length >= 2, 20_000, 'two campaign mails at the relay');
  const to = (email: string) => relay.received.find((m) => m.rcptTo[0] === email)!.raw;
  dovecot.deliver(answerTo({ original: to('rae@customer.example'), from: 'Rae <rae@customer.example>', body: 'Is the blue coat in the sale?' }), box);
  dovecot.deliver(postfixDsn({ original: to('ros@customer.example'), recipient: 'ros@customer.example', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 unknown user' }), box);

  await page.goto(`${strapi.url}/admin`);
  await page.getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await page.getByRole('button', { name: 'Fetch now' }).click();
  const row = page.getByRole('row', { name: /Winter sale/ });
  await row.getByText('Reply to campaign Winter sale').waitFor();
  // The bounce was recorded on the campaign, not listed.
  expect(await page.getByRole('row', { name: /Undelivered Mail/ }).count()).toBe(0);

  await row.getByText('Winter sale', { exact: true }).click();
  await page.getByRole('heading', { name: 'Winter sale' }).waitFor();
  await page.getByText('Is the blue coat in the sale?').waitFor();
  const badge = page.getByTestId('campaign-reply');
  expect(await badge.textContent()).toBe('Reply to campaign Winter sale');
  await badge.click();
  await page.waitForURL(new RegExp(`/plugins/email-server-campaigns/${campaign}$`));
  await page.getByText('rae@customer.example').first().waitFor();
});
