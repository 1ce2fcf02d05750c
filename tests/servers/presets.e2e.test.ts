/**
 * The provider picker and "Detect settings" in real headless Chromium against a real
 * `strapi start` whose resolver is a loopback DNS server.
 */
import type { Browser, Page } from 'playwright-core';
import { openAdmin, screenshot } from '../helpers/browser';
import { startDnsServer, type FakeDns } from '../helpers/dns-server';
import { firstAdminWithToken, startStrapiProcess, type RunningStrapi } from '../helpers/server-process';

jest.setTimeout(180_000);

let strapi: RunningStrapi;
let browser: Browser;
let page: Page;
let apiToken: string;
let dns: FakeDns;

beforeAll(async () => {
  dns = await startDnsServer({
    'detect-e2e.test': {},
    '_submissions._tcp.detect-e2e.test': { SRV: [{ priority: 0, weight: 0, port: 465, target: 'out.detect-e2e.test' }] },
    '_imaps._tcp.detect-e2e.test': { SRV: [{ priority: 0, weight: 0, port: 993, target: 'in.detect-e2e.test' }] },
  });
  strapi = await startStrapiProcess({ EMAIL_SERVER_DETECT_DNS: dns.address, EMAIL_SERVER_DETECT_TIMEOUT_MS: '2000' });
  const admin = await firstAdminWithToken(strapi.url);
  apiToken = admin.token;
  ({ browser, page } = await openAdmin(strapi.url, admin.email, admin.password));
});

afterAll(async () => {
  await browser?.close();
  await strapi?.stop();
  await dns?.stop();
});

const input = (name: string) => page.locator(`input[name="${name}"]`);
const chooseOption = async (label: string, option: string) => {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};
const fetchServers = async () => {
  const res = await fetch(`${strapi.url}/email-server/servers`, { headers: { Authorization: `Bearer ${apiToken}` } });
  return ((await res.json()) as any).data as Array<Record<string, unknown>>;
};

const openCreateForm = async () => {
  await page.goto(`${strapi.url}/admin/settings/email-server/create`);
  await page.getByRole('heading', { name: 'Create new server' }).waitFor();
};

it('fills hosts, ports and security from a picked provider, and they stay editable', async () => {
  await openCreateForm();
  await input('senderEmail').fill('me@fastmail.com');
  await chooseOption('Provider', 'Fastmail');
  await page.getByText('Fastmail needs an app password for IMAP, POP and SMTP; the account password does not work.').waitFor();
  expect(await input('smtpHost').inputValue()).toBe('smtp.fastmail.com');
  expect(await input('smtpPort').inputValue()).toBe('465');
  expect(await input('smtpUsername').inputValue()).toBe('me@fastmail.com');
  expect(await input('incomingHost').inputValue()).toBe('imap.fastmail.com');
  expect(await input('incomingPort').inputValue()).toBe('993');
  expect(await page.getByRole('combobox', { name: 'Protocol' }).innerText()).toContain('IMAP');

  await screenshot(page, 'provider-picker');
  await input('smtpPort').fill('587');
  expect(await input('smtpPort').inputValue()).toBe('587');

  // A sending-only relay clears the incoming side.
  await chooseOption('Provider', 'Postmark');
  expect(await input('smtpHost').inputValue()).toBe('smtp.postmarkapp.com');
  expect(await input('incomingHost').count()).toBe(0);
});

it('detects settings from DNS SRV records, shows them for review, and applies them', async () => {
  await openCreateForm();
  await input('name').fill('Detected');
  await input('senderEmail').fill('ops@detect-e2e.test');
  await page.getByRole('button', { name: 'Detect settings' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Settings for ops@detect-e2e.test').waitFor();
  await dialog.getByText('out.detect-e2e.test').waitFor();
  await dialog.getByText("Found in detect-e2e.test's DNS SRV records (RFC 6186).").waitFor();
  expect(await dialog.getByText('TLS (implicit)').count()).toBe(2);
  await screenshot(page, 'detect-settings');
  // Only proposed: nothing is filled or stored before Apply.
  expect(await input('smtpHost').inputValue()).toBe('');

  await dialog.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect(await input('smtpHost').inputValue()).toBe('out.detect-e2e.test');
  expect(await input('smtpPort').inputValue()).toBe('465');
  expect(await input('smtpUsername').inputValue()).toBe('ops@detect-e2e.test');
  expect(await input('incomingHost').inputValue()).toBe('in.detect-e2e.test');
  expect(await input('incomingPort').inputValue()).toBe('993');
  expect(await input('incomingUsername').inputValue()).toBe('ops@detect-e2e.test');
  expect(await fetchServers()).toEqual([]);

  // Cancel leaves the form as it was.
  await input('smtpHost').fill('kept.example.com');
  await page.getByRole('button', { name: 'Detect settings' }).click();
  await dialog.getByText('out.detect-e2e.test').waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  expect(await input('smtpHost').inputValue()).toBe('kept.example.com');
});
