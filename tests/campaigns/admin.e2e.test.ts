/**
 * Campaigns in the admin panel, in real headless Chromium against a real `strapi start`: import
 * a CSV list, send, watch the progress bar reach 100%, read a failed recipient's error; pause,
 * resume and cancel a slow campaign; a stale or hand-edited link to the suppression list.
 */
import type { Browser, Page } from 'playwright-core';
import { openAdmin, screenshot } from '../helpers/browser';
import { api, firstAdminWithToken, startStrapiProcess, type RunningStrapi } from '../helpers/server-process';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { smtpRelay } from '../helpers/campaigns';
import { waitUntil } from '../helpers/net';

jest.setTimeout(180_000);

let strapi: RunningStrapi;
let browser: Browser;
let page: Page;
let token: string;
let relay: ScriptedSmtp;

const call = (method: string, path: string, body?: unknown) => api(strapi.url, token)(method, path, body);

beforeAll(async () => {
  relay = await startSmtpServer({
    rcptError: (address) => (address.startsWith('unknown') ? { code: 550, message: '5.1.1 User unknown' } : undefined),
  });
  strapi = await startStrapiProcess({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '200', EMAIL_SERVER_POLLING: 'false' });
  const admin = await firstAdminWithToken(strapi.url);
  token = admin.token;
  expect((await call('POST', '/email-server/servers', smtpRelay(relay.port, { name: 'Fast relay' }))).status).toBe(201);
  expect((await call('POST', '/email-server/servers', smtpRelay(relay.port, { name: 'Slow relay', rateLimitPerSecond: 2, maxConnections: 1 }))).status).toBe(201);
  ({ browser, page } = await openAdmin(strapi.url, admin.email, admin.password));
});

afterAll(async () => {
  await browser?.close();
  await strapi?.stop();
  await relay?.stop();
});

const count = (key: string) => page.getByTestId(`count-${key}`);
const chooseOption = async (label: string, option: string) => {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};

it('imports a CSV list, sends it, shows 100% and the failed recipient\'s error', async () => {
  await page.goto(`${strapi.url}/admin`);
  await page.getByRole('link', { name: 'Campaigns' }).click();
  await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
  await page.getByRole('button', { name: 'Create campaign' }).first().click();

  await page.getByRole('heading', { name: 'Create campaign' }).waitFor();
  await page.getByLabel('Name').fill('Autumn sale');
  await chooseOption('Email server', 'Fast relay');
  await page.getByLabel('Subject').fill('Hello {{firstName}}');
  await page.getByLabel('Text body').fill('Dear {{firstName}}, our sale starts today.');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('heading', { name: 'Autumn sale' }).waitFor();
  await page.getByTestId('campaign-status').getByText('Draft').waitFor();

  const csv = ['email,firstName', 'ann@example.org,Ann', 'bob@example.org,Bob', 'unknown@example.org,Uma', 'not an address,Zed'].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByTestId('import-added').getByText('3 added').waitFor();
  await page.getByTestId('import-rejected').getByText('1 rejected').waitFor();
  await page.getByText('not a valid email address: "not an address"').waitFor();

  await page.getByRole('button', { name: 'Send now' }).click();
  // Sending is confirmed first, with how many recipients and which server.
  const confirm = page.getByRole('alertdialog');
  await confirm.getByText('It goes to 3 recipients through Fast relay.').waitFor();
  // Every value the progress bar takes, as the page renders it (the bar may be drawn anew).
  await page.evaluate(() => {
    const seen: string[] = ((window as any).__progress = []);
    const record = () => {
      const value = document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow');
      if (value != null && seen[seen.length - 1] !== value) seen.push(value);
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  });
  await confirm.getByRole('button', { name: 'Yes, send now' }).click();
  const bar = page.getByRole('progressbar', { name: 'Campaign progress' });
  await page.getByTestId('campaign-status').getByText('Completed').waitFor({ timeout: 30_000 });
  await page.getByTestId('campaign-percent').getByText('100%').waitFor();
  expect(await bar.getAttribute('aria-valuenow')).toBe('100');
  // The bar only moves forward, a whole recipient (of 3) at a time, and ends at 100.
  const progress = ((await page.evaluate(() => (window as any).__progress)) as string[]).map(Number);
  expect(progress.at(-1)).toBe(100);
  for (const [i, value] of progress.entries()) {
    expect([0, 33, 66, 67, 100]).toContain(value);
    if (i > 0) expect(value).toBeGreaterThan(progress[i - 1]);
  }
  await count('sent').getByText('Sent 2').waitFor();
  await count('failed').getByText('Failed 1').waitFor();

  await chooseOption('Recipient status', 'Failed');
  const failed = page.getByTestId('recipient-row-unknown@example.org');
  await failed.waitFor();
  expect(await failed.textContent()).toContain('550');
  await screenshot(page, 'campaign', { fullPage: true });

  // What the relay got: the two deliverable recipients, personalised.
  expect(relay.received.map((m) => m.rcptTo[0]).sort()).toEqual(['ann@example.org', 'bob@example.org']);
  expect(relay.received.find((m) => m.rcptTo[0] === 'ann@example.org')!.mail.subject).toBe('Hello Ann');
});

it('pauses, resumes and (after confirming) cancels a slow campaign', async () => {
  const created = await call('POST', '/email-server/campaigns', {
    name: 'Slow one',
    server: 'Slow relay',
    subject: 'Hi',
    text: 'Hello',
    recipients: Array.from({ length: 40 }, (_, i) => ({ email: `slow${i}@example.org` })),
  });
  expect(created.status).toBe(201);
  await page.goto(`${strapi.url}/admin/plugins/email-server-campaigns/${created.body.data.documentId}`);
  await page.getByRole('heading', { name: 'Slow one' }).waitFor();
  const id = created.body.data.documentId;
  // Mails of this campaign at the relay, by the recipient header each one carries.
  const arrived = () => relay.received.filter((m) => String(m.mail.headers.get('x-campaign-recipient')).startsWith(`${id}/`)).length;
  const campaignNow = async () => (await call('GET', `/email-server/campaigns/${id}`)).body.data;
  // Nothing in flight: every recipient the worker had claimed is settled or given back.
  const settled = (also: (c: any) => boolean = () => true) =>
    waitUntil(async () => {
      const c = await campaignNow();
      return c.counts.sending === 0 && also(c) ? c : undefined;
    }, 15_000, 'no recipient of the campaign in flight');
  // Another campaign through the same server going out shows that server's worker ran meanwhile
  // (it takes the older campaign's recipients first while that one is sending).
  let others = 0;
  const anotherCampaignGoesOut = async () => {
    const other = await call('POST', '/email-server/campaigns', {
      name: `Meanwhile ${++others}`,
      server: 'Slow relay',
      subject: 'Hi',
      text: 'Hello',
      recipients: [{ email: `meanwhile${others}@example.org` }],
    });
    expect(other.status).toBe(201);
    expect((await call('POST', `/email-server/campaigns/${other.body.data.documentId}/send`, {})).status).toBe(200);
    await waitUntil(async () => (await call('GET', `/email-server/campaigns/${other.body.data.documentId}`)).body.data.status === 'completed', 30_000, 'the other campaign to complete');
  };

  await page.getByRole('button', { name: 'Send now' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, send now' }).click();
  await page.getByTestId('campaign-status').getByText('Sending').waitFor();
  await page.waitForFunction(() => /Sent [2-9]/.test(document.querySelector('[data-testid="count-sent"]')?.textContent ?? ''), undefined, { timeout: 20_000 });

  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByTestId('campaign-status').getByText('Paused').waitFor();
  const paused = await settled();
  const whilePaused = arrived();
  expect(paused.counts.sent).toBe(whilePaused);
  await anotherCampaignGoesOut();
  await anotherCampaignGoesOut();
  expect(arrived()).toBe(whilePaused);

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await page.getByTestId('campaign-status').getByText('Sending').waitFor();
  await page.waitForFunction((n) => Number((document.querySelector('[data-testid="count-sent"]')?.textContent ?? '').replace(/\D/g, '')) > n, whilePaused, { timeout: 20_000 });

  await page.getByRole('button', { name: 'Cancel campaign' }).first().click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByText('Are you sure you want to cancel this campaign?').waitFor();
  await dialog.getByText('This cannot be undone.').waitFor();
  await dialog.getByText('Slow one').waitFor();
  await screenshot(page, 'cancel-campaign');
  await dialog.getByRole('button', { name: 'Yes, cancel campaign' }).click();
  await page.getByTestId('campaign-status').getByText('Cancelled').waitFor();
  // Every recipient is final, sent or cancelled: nothing more can go out.
  const campaign = await settled((c) => c.counts.sent + c.counts.cancelled === 40);
  expect(campaign.status).toBe('cancelled');
  expect(campaign.counts.sent).toBeLessThan(40);
  await anotherCampaignGoesOut();
  expect(arrived()).toBe(campaign.counts.sent);
});

it('keeps the suppression list usable from a hand-edited or stale link', async () => {
  for (let i = 0; i < 12; i++) expect((await call('POST', '/email-server/suppressions', { email: `stale${i}@example.org` })).status).toBe(201);
  const list = `${strapi.url}/admin/plugins/email-server-campaigns/suppressions`;

  // A page and page size no list route accepts fall back to the first page.
  await page.goto(`${list}?page=-1&pageSize=2.5`);
  await page.getByRole('row', { name: /stale0@example\.org/ }).waitFor();

  // A page past the end (the list shrank since the link was made) lands on the last page.
  await page.goto(`${list}?page=9&pageSize=10`);
  await page.waitForURL((url) => url.searchParams.get('page') === '2');
  await page.getByRole('row', { name: /stale\d+@example\.org/ }).first().waitFor();
});
