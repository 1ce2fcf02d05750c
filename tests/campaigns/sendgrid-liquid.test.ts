/**
 * Liquid over SendGrid: a batch shares the static text and substitutes each top-level Liquid
 * piece per recipient. Checked on the mail each recipient would get (the stand-in applies the
 * substitutions as SendGrid does), not on our keys.
 */
import type { TestApp } from '../helpers/strapi';
import { deliveredMails, type FakeSendgrid } from '../helpers/fake-sendgrid';
import { bootWithFakeSendgrid, sendgridRelay } from '../helpers/sendgrid';
import { createCampaign, createServer, waitForStatus } from '../helpers/campaigns';

let app: TestApp;
let fake: FakeSendgrid;
const TOKEN = 'SG.liquid-token';

beforeAll(async () => {
  ({ app, fake } = await bootWithFakeSendgrid(TOKEN));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

it('gives two recipients different content from one {% if %}, in ⌈n/1000⌉ requests, and one past 10,000 bytes a request of its own', async () => {
  const server = await createServer(app.as(), sendgridRelay('SG liquid', TOKEN, { maxConnections: 2 }));
  const recipients = Array.from({ length: 1000 }, (_, i) => ({ email: `l${i}@example.org`, data: { plan: i % 2 ? 'gold' : 'basic', name: `N${i} <b>` } }));
  recipients.push({ email: 'big@example.org', data: { plan: 'gold', name: 'y'.repeat(6000), extra: 'z'.repeat(6000) } } as any);
  const { data: campaign, meta } = await createCampaign(app.as(), {
    name: 'Liquid SG',
    server: server.documentId,
    subject: '{% if plan == "gold" %}Gold{% else %}Basic{% endif %} for {{ name | default: "you" }}',
    html: '<h2>Hi {{ name }}</h2>{% if plan == "gold" %}<p>Gold perks</p>{% else %}<p>Basic perks</p>{% endif %}{% assign up = plan | upcase %}<p>Plan {{ up }}</p><p>{{ extra | default: "" }}</p>',
    recipients,
  });
  expect(meta.rejected).toEqual([]);
  await app.as().post(`/email-server/campaigns/${campaign.documentId}/send`).send({}).expect(200);
  const done = await waitForStatus(app.as(), campaign.documentId, 'completed', 60_000);
  expect(done.counts).toMatchObject({ total: 1001, sent: 1001, failed: 0 });

  const requests = fake.requests.filter((r) => r.path === '/v3/mail/send' && r.body?.personalizations?.[0]?.custom_args?.campaign === campaign.documentId);
  expect(requests.every((r) => r.status === 202)).toBe(true);
  expect(requests).toHaveLength(Math.ceil(1001 / 1000));
  const mails = requests.flatMap((r) => deliveredMails(r.body).map((m: any) => ({ ...m, shared: r.body.personalizations.length > 1 })));
  expect(mails).toHaveLength(1001);
  const byTo = new Map(mails.map((m: any) => [m.to, m]));

  const basic: any = byTo.get('l0@example.org');
  const gold: any = byTo.get('l1@example.org');
  expect(basic.shared).toBe(true);
  expect(basic.subject).toBe('Basic for N0 <b>');
  expect(basic.html).toBe('<h2>Hi N0 &lt;b&gt;</h2><p>Basic perks</p><p>Plan BASIC</p><p></p>');
  expect(gold.subject).toBe('Gold for N1 <b>');
  expect(gold.html).toBe('<h2>Hi N1 &lt;b&gt;</h2><p>Gold perks</p><p>Plan GOLD</p><p></p>');
  // The text part, generated from the HTML, carries each recipient's own content too.
  expect(gold.text).toContain('Hi N1 <b>');
  expect(gold.text).toContain('Gold perks');
  expect(basic.text).toContain('Basic perks');
  expect(basic.text).not.toMatch(/\{\{[ht]:\d+\}\}/);
  expect(mails.filter((m: any) => m.shared).every((m: any) => m.substitutionBytes <= 10_000)).toBe(true);

  const big: any = byTo.get('big@example.org');
  expect(big.shared).toBe(false);
  expect(big.html).toBe(`<h2>Hi ${'y'.repeat(6000)}</h2><p>Gold perks</p><p>Plan GOLD</p><p>${'z'.repeat(6000)}</p>`);
  const own = requests.find((r) => r.body.personalizations[0].to[0].email === 'big@example.org')!;
  expect(own.body.personalizations).toHaveLength(1);
  expect(JSON.stringify(own.body.content)).not.toMatch(/\{\{[ht]:\d+\}\}/);
});
