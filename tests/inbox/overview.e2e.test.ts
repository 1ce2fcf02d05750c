/**
 * A day's conversation as an agent sees it, in real headless Chromium (and the README's picture
 * of the Inbox): a customer's mail with a Cc and an attachment, the team's reply to everyone,
 * an internal note, and beside the thread the customer's user in this Strapi app.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { screenshot } from '../helpers/browser';
import { helpdeskInChromium, type BrowserHelpdesk } from '../helpers/inbox-browser';
import { waitUntil } from '../helpers/net';

jest.setTimeout(180_000);

let helpdesk: BrowserHelpdesk;
let conversation: string;

const customerMail = () =>
  new MailComposer({
    from: 'Dan Ng <dan@customer.example>',
    to: 'Helpdesk <help@example.com>',
    cc: 'Eve Ng <eve@customer.example>',
    subject: 'Order 1042 arrived damaged',
    text: 'Hello,\n\nthe box of order 1042 was crushed and the lamp inside is broken. A photo of the box is attached.\nEve, my partner, is in copy.\n\nDan',
    attachments: [{ filename: 'box-photo.pdf', content: Buffer.from('%PDF-1.4\n% a photo of a crushed box\n'), contentType: 'application/pdf' }],
  })
    .compile()
    .build();

beforeAll(async () => {
  helpdesk = await helpdeskInChromium({ server: { senderName: 'Helpdesk', sentFolder: '' } });
  const { call, dovecot, box, relay, server } = helpdesk;
  const roles = await call('GET', '/users-permissions/roles');
  const authenticated = roles.body.roles.find((r: any) => r.type === 'authenticated');
  const user = await call('POST', '/content-manager/collection-types/plugin::users-permissions.user', {
    username: 'dan.ng',
    email: 'dan@customer.example',
    password: 'User-password-1',
    confirmed: true,
    role: { connect: [{ id: authenticated.id }] },
  });
  expect(user.status).toBe(201);

  dovecot.deliver(await customerMail(), box);
  const fetched = await call('POST', `/email-server/servers/${server.documentId}/fetch`, {});
  expect(fetched.body.data).toEqual({ fetched: 1, stored: 1 });
  const list = await call('GET', '/email-server/conversations');
  conversation = list.body.data[0].documentId;
  // The reply-all goes to Dan with Eve in Cc: what the thread shows under the reply.
  const reply = await call('POST', `/email-server/conversations/${conversation}/reply`, {
    text: 'Dear Dan,\n\nsorry about the lamp: a new one leaves our warehouse today, and the courier collects the broken one on Friday.\n\nAda',
  });
  expect(reply.status).toBe(200);
  await waitUntil(() => relay.received.length === 1, 10_000, 'the reply reaching the SMTP server');
  const note = await call('POST', `/email-server/conversations/${conversation}/notes`, {
    text: 'Courier booked for Friday (ticket C-5521). Refund the shipping if the new lamp is late.',
  });
  expect(note.status).toBe(201);
});

afterAll(() => helpdesk?.stop());

it('shows the Cc, the attachment, the note and the customer beside the thread', async () => {
  const { page, strapi } = helpdesk;
  await page.goto(`${strapi.url}/admin/plugins/email-server/${conversation}`);
  await page.getByRole('heading', { name: 'Order 1042 arrived damaged' }).waitFor();

  const inbound = page.getByTestId('message-inbound');
  await inbound.getByRole('button', { name: /box-photo\.pdf/ }).waitFor();
  await expect(inbound.getByTestId('message-cc').innerText()).resolves.toContain('eve@customer.example');
  const outbound = page.getByTestId('message-outbound');
  await expect(outbound.getByTestId('message-cc').innerText()).resolves.toContain('eve@customer.example');
  await page.getByTestId('message-note').getByText('Courier booked for Friday').waitFor();

  // The next reply goes to everyone again: Eve is prefilled in Cc.
  await expect(page.getByTestId('reply-box').getByLabel('Cc', { exact: true }).inputValue()).resolves.toContain('eve@customer.example');

  const customer = page.getByTestId('customer-panel');
  await customer.getByRole('link', { name: /dan/i }).waitFor();
  await screenshot(page, 'conversation', { fullPage: true });
});
