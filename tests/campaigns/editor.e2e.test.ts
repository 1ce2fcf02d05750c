/**
 * Writing a campaign in the admin panel, in real headless Chromium against a real `strapi start`:
 * the body editor and its live preview (typing, desktop / mobile width, the generated text part,
 * a layout around the body), pasted table HTML saved exactly as pasted, a test send arriving at a
 * real SMTP server with "[Test] " before the subject, and the layouts pages. The README's picture
 * of the editor is taken here.
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
let layout: { documentId: string; name: string };

const call = (method: string, path: string, body?: unknown) => api(strapi.url, token)(method, path, body);
const campaignsUrl = () => `${strapi.url}/admin/plugins/email-server-campaigns`;
const preview = () => page.frameLocator('iframe[title="HTML preview"]');
const previewFrame = () => page.locator('iframe[title="HTML preview"]');
const chooseOption = async (label: string, option: string) => {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
};

/** A campaign made through the API, with its recipients, opened in the browser. */
const openCampaign = async (name: string, body: Record<string, unknown> = {}) => {
  const created = await call('POST', '/email-server/campaigns', {
    name,
    server: 'Relay',
    subject: 'News for {{ firstName }}',
    html: '<p>Start</p>',
    recipients: [
      { email: 'ann@example.org', data: { firstName: 'Ann' } },
      { email: 'bob@example.org', data: { firstName: 'Bob' } },
    ],
    ...body,
  });
  expect(created.status).toBe(201);
  await page.goto(`${campaignsUrl()}/${created.body.data.documentId}`);
  await page.getByRole('heading', { name }).waitFor();
  return created.body.data.documentId as string;
};

/** What a person pasting from another program does: a paste event with the clipboard's text. */
const pasteInto = (selector: string, text: string) =>
  page.locator(selector).evaluate((element, pasted) => {
    (element as HTMLElement).focus();
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);

beforeAll(async () => {
  relay = await startSmtpServer();
  strapi = await startStrapiProcess({ EMAIL_SERVER_CAMPAIGN_TICK_MS: '200', EMAIL_SERVER_POLLING: 'false' });
  const admin = await firstAdminWithToken(strapi.url);
  token = admin.token;
  expect((await call('POST', '/email-server/servers', smtpRelay(relay.port, { name: 'Relay' }))).status).toBe(201);
  const created = await call('POST', '/email-server/templates', {
    name: 'Newsletter',
    html: '<div style="background:#eef"><h1>Letter from the shop</h1>{{ content }}<p>You get this as a customer.</p></div>',
  });
  expect(created.status).toBe(201);
  layout = created.body.data;
  ({ browser, page } = await openAdmin(strapi.url, admin.email, admin.password));
});

afterAll(async () => {
  await browser?.close();
  await strapi?.stop();
  await relay?.stop();
});

it('previews the unsaved body as it is typed, for a chosen recipient, at two widths, with its text part and in a layout', async () => {
  const documentId = await openCampaign('Spring letter');
  const editor = page.getByTestId('html-visual');
  await editor.click();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Dear {{ firstName }}, the garden shop opens on Monday.');
  await page.keyboard.press('Enter');
  // Liquid with a filter is text to the editor: it must reach the stored HTML as typed.
  await page.keyboard.type('Bring {{ friend | default: "a friend" }}.');

  // Rendered by the server for the first recipient, while nothing is saved.
  await preview().getByText('Dear Ann, the garden shop opens on Monday.').waitFor();
  await page.getByTestId('preview-recipient').getByText('Rendered for ann@example.org').waitFor();
  await page.getByTestId('preview-subject').getByText('News for Ann').waitFor();

  await page.getByLabel('Preview for').fill('bob@example.org');
  await preview().getByText('Dear Bob, the garden shop opens on Monday.').waitFor();
  await page.getByTestId('preview-recipient').getByText('Rendered for bob@example.org').waitFor();

  await page.getByRole('button', { name: 'Mobile width' }).click();
  await page.locator('iframe[title="HTML preview"][data-width="mobile"]').waitFor();
  expect((await previewFrame().boundingBox())!.width).toBe(375);
  await page.getByRole('button', { name: 'Desktop width' }).click();
  await page.locator('iframe[title="HTML preview"][data-width="desktop"]').waitFor();
  expect((await previewFrame().boundingBox())!.width).toBeGreaterThan(400);

  // No text body written: the text part is the one generated from the HTML.
  await page.getByRole('tab', { name: 'Text', exact: true }).click();
  await page.getByTestId('preview-text').getByText(/Dear Bob, the garden shop opens on Monday\./).waitFor();
  await page.getByRole('tab', { name: 'HTML', exact: true }).click();

  await chooseOption('Layout', 'Newsletter');
  await preview().getByRole('heading', { name: 'Letter from the shop' }).waitFor();
  await preview().getByText('Dear Bob, the garden shop opens on Monday.').waitFor();
  await preview().getByText('You get this as a customer.').waitFor();
  // The admin scrolls inside its main area: bring the editor and its preview to the top.
  await page.getByRole('heading', { name: 'Message' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, 'campaign-editor');

  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('button', { name: 'Save changes' }).and(page.locator('[disabled]')).waitFor();
  const saved = (await call('GET', `/email-server/campaigns/${documentId}`)).body.data;
  expect(saved.html).toBe('<p>Start</p><p>Dear {{ firstName }}, the garden shop opens on Monday.</p><p>Bring {{ friend | default: "a friend" }}.</p>');
  expect(saved.template).toEqual({ documentId: layout.documentId, name: 'Newsletter' });
});

it('keeps pasted table HTML exactly as pasted, in the source view, and says why', async () => {
  const documentId = await openCampaign('Table letter');
  const pasted = [
    '<table role="presentation" width="100%" style="border-collapse:collapse">',
    '  <tr><td style="padding:8px;color:#333">Hi {{ firstName }},</td></tr>',
    '  {% if firstName %}<tr><td align="right">Just for you</td></tr>{% endif %}',
    '</table>',
  ].join('\n');
  await page.getByRole('tab', { name: 'HTML source' }).click();
  const source = page.getByTestId('html-source');
  await source.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await pasteInto('[data-testid="html-source"]', pasted);

  await page.getByTestId('html-source-only').getByText(/cannot keep <table>/).waitFor();
  expect(await page.getByRole('tab', { name: 'Visual' }).isDisabled()).toBe(true);
  await preview().getByText('Hi Ann,').waitFor();
  await preview().getByText('Just for you').waitFor();

  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('button', { name: 'Save changes' }).and(page.locator('[disabled]')).waitFor();
  const saved = (await call('GET', `/email-server/campaigns/${documentId}`)).body.data;
  expect(saved.html).toBe(pasted);

  // Opened again, it stays in the source view: the visual mode would drop the table.
  await page.reload();
  await page.getByTestId('html-source-only').waitFor();
  expect(await page.getByTestId('html-source').innerText()).toContain('<table role="presentation"');
});

it('sends a test of the saved campaign to two addresses through the campaign\'s server', async () => {
  const documentId = await openCampaign('Test me', { html: '<p>Hello {{ firstName }}</p>' });
  await page.getByRole('button', { name: 'Send test' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Send to').fill('team@example.org, boss@example.org');
  await dialog.getByLabel('Render for recipient').fill('bob@example.org');
  await dialog.getByRole('button', { name: 'Send test' }).click();
  await dialog.getByTestId('test-send-result').getByText('Sent to 2 addresses').waitFor();

  const tests = () => relay.received.filter((m) => m.mail.subject?.startsWith('[Test] '));
  await waitUntil(() => tests().length === 2, 10_000, 'two test mails at the SMTP server');
  expect(tests().map((m) => m.rcptTo[0]).sort()).toEqual(['boss@example.org', 'team@example.org']);
  expect(tests()[0].mail.subject).toBe('[Test] News for Bob');
  expect(tests()[0].mail.html).toContain('Hello Bob');
  // Not a recipient, not counted.
  const campaign = (await call('GET', `/email-server/campaigns/${documentId}`)).body.data;
  expect(campaign.counts.total).toBe(2);

  // Eleven addresses are refused before anything is sent.
  await dialog.getByLabel('Send to').fill(Array.from({ length: 11 }, (_, i) => `t${i}@example.org`).join(', '));
  await dialog.getByRole('button', { name: 'Send test' }).click();
  await dialog.getByText(/at most 10/i).waitFor();
  expect(tests()).toHaveLength(2);
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
});

it('creates, edits and (after a confirmation naming it) deletes a layout', async () => {
  await page.goto(campaignsUrl());
  await page.getByRole('button', { name: 'Layouts' }).click();
  await page.getByRole('heading', { name: 'Layouts' }).waitFor();
  await page.getByTestId('layout-row-Newsletter').waitFor();
  await page.getByRole('button', { name: 'Create layout' }).first().click();
  await page.getByRole('heading', { name: 'Create layout' }).waitFor();
  await page.getByLabel('Name').fill('Plain frame');

  // Without {{ content }} the layout is refused on its field.
  const source = page.getByTestId('html-source');
  await source.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await pasteInto('[data-testid="html-source"]', '<div class="frame">nothing here</div>');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText('Must contain {{ content }} where the campaign goes.').waitFor();

  await source.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await pasteInto('[data-testid="html-source"]', '<div class="frame">{{ content }}</div>');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('heading', { name: 'Plain frame' }).waitFor();
  const stored = (await call('GET', '/email-server/templates')).body.data.find((t: any) => t.name === 'Plain frame');
  expect(stored.html).toBe('<div class="frame">{{ content }}</div>');

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('alertdialog');
  await confirm.getByText('Are you sure you want to delete this layout?').waitFor();
  await confirm.getByText('Plain frame', { exact: true }).waitFor();
  await confirm.getByText('This action cannot be undone.').waitFor();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('heading', { name: 'Layouts' }).waitFor();
  await page.getByTestId('layout-row-Newsletter').waitFor();
  expect((await call('GET', '/email-server/templates')).body.data.map((t: any) => t.name)).toEqual(['Newsletter']);

  // A layout a scheduled campaign uses stays, and the dialog names that campaign.
  const scheduled = await call('POST', '/email-server/campaigns', {
    name: 'Autumn letter',
    server: 'Relay',
    subject: 'Autumn',
    html: '<p>Leaves</p>',
    template: layout.documentId,
    recipients: [{ email: 'ann@example.org' }],
  });
  expect(scheduled.status).toBe(201);
  const at = new Date(Date.now() + 24 * 3600_000).toISOString();
  expect((await call('POST', `/email-server/campaigns/${scheduled.body.data.documentId}/send`, { at })).status).toBe(200);
  await page.getByRole('button', { name: 'Delete Newsletter' }).click();
  await confirm.getByText('Newsletter', { exact: true }).waitFor();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByTestId('layout-in-use').getByText('Autumn letter', { exact: true }).waitFor();
  expect((await call('GET', '/email-server/templates')).body.data.map((t: any) => t.name)).toEqual(['Newsletter']);
});

it('imports Strapi\'s own users as recipients: the example filter, a count, then how many were added', async () => {
  const roles = await call('GET', '/users-permissions/roles');
  const authenticated = roles.body.roles.find((r: any) => r.type === 'authenticated');
  const users = [
    { username: 'cora', email: 'cora@example.org', confirmed: true, blocked: false },
    { username: 'dev', email: 'dev@example.org', confirmed: true, blocked: false },
    { username: 'eli', email: 'eli@example.org', confirmed: false, blocked: false },
    { username: 'fay', email: 'fay@example.org', confirmed: true, blocked: true },
  ];
  for (const user of users) {
    const created = await call('POST', '/content-manager/collection-types/plugin::users-permissions.user', {
      ...user,
      password: 'User-password-1',
      role: { connect: [{ id: authenticated.id }] },
    });
    expect(created.status).toBe(201);
  }
  // Their scalar fields are the variables: every user has a username.
  const documentId = await openCampaign('Members letter', { subject: 'News for {{ username }}', recipients: [] });
  await page.getByRole('tab', { name: 'From Strapi content' }).click();
  await chooseOption('Content type', 'User');
  // The README's example is there to start from: confirmed and not blocked.
  await page.getByTestId('import-from-content').getByText('"confirmed"').waitFor();
  await page.getByRole('button', { name: 'Count' }).click();
  await page.getByTestId('source-count').getByText('2 entries match').waitFor();
  await page.getByTestId('import-from-content').getByRole('button', { name: 'Import' }).click();
  await page.getByTestId('import-from-content').getByTestId('import-added').getByText('2 added').waitFor();
  const recipients = (await call('GET', `/email-server/campaigns/${documentId}/recipients`)).body.data;
  expect(recipients.map((r: any) => r.email).sort()).toEqual(['cora@example.org', 'dev@example.org']);
});
