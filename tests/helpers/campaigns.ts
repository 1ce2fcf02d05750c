/** Creating and running campaigns through the admin API, as an editor would. */
import { waitUntil } from './net';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { bootStrapi, type TestApp } from './strapi';

type As = ReturnType<TestApp['as']>;

export const smtpRelay = (port: number, overrides: Record<string, unknown> = {}) => ({
  name: `Relay ${port}`,
  type: 'smtp',
  senderEmail: 'news@example.com',
  senderName: 'Newsletter',
  replyTo: 'replies@example.com',
  smtpHost: '127.0.0.1',
  smtpPort: port,
  smtpSecurity: 'none',
  rateLimitPerSecond: 10_000,
  maxConnections: 5,
  ...overrides,
});

export const createServer = async (as: As, body: Record<string, unknown>) => {
  const res = await as.post('/email-server/servers').send(body);
  if (res.status !== 201) throw new Error(`creating the server failed: ${res.status} ${res.text}`);
  return res.body.data as { documentId: string; name: string };
};

/** Postfix's smtp-sink, a Strapi booted with `env`, and a server named "Sink" that sends to the sink. */
export const bootWithSink = async (env: Record<string, string | undefined>): Promise<{ app: TestApp; sink: SmtpSink; server: { documentId: string; name: string } }> => {
  const sink = await startSmtpSink();
  let app: TestApp | undefined;
  try {
    app = await bootStrapi(env);
    const server = await createServer(app.as(), smtpRelay(sink.port, { name: 'Sink' }));
    return { app, sink, server };
  } catch (error) {
    await app?.close();
    await sink.stop();
    throw error;
  }
};

export const createCampaign = async (as: As, body: Record<string, unknown>) => {
  const res = await as.post('/email-server/campaigns').send(body);
  if (res.status !== 201) throw new Error(`creating the campaign failed: ${res.status} ${res.text}`);
  return res.body as { data: any; meta: { added: number; rejected: any[] } };
};

export const campaignOf = async (as: As, documentId: string) => (await as.get(`/email-server/campaigns/${documentId}`)).body.data;

export const waitForStatus = (as: As, documentId: string, status: string | string[], timeoutMs = 30_000) =>
  waitUntil(
    async () => {
      const campaign = await campaignOf(as, documentId);
      return ([] as string[]).concat(status).includes(campaign?.status) ? campaign : undefined;
    },
    timeoutMs,
    `campaign ${documentId} to be ${status}`
  );

export const recipientsOf = async (as: As, documentId: string, query = '') => {
  const all: any[] = [];
  for (let page = 1; ; page++) {
    const res = await as.get(`/email-server/campaigns/${documentId}/recipients?pageSize=100&page=${page}${query}`);
    all.push(...res.body.data);
    if (page >= res.body.meta.pagination.pageCount) return all;
  }
};

/** The X-Campaign-Recipient header of each received mail: one per delivery. */
export const recipientHeaders = (mails: Array<{ mail: { headers: Map<string, any> } }>) =>
  mails.map((m) => String(m.mail.headers.get('x-campaign-recipient')));

/** A campaign named `prefix` to `prefix0@example.org`...`prefix{count-1}@example.org`, sent now. */
export const sendNewCampaign = async (as: As, server: string, prefix: string, count: number) => {
  const { data } = await createCampaign(as, {
    name: prefix,
    server,
    subject: 'Hi',
    text: 'Hello {{email}}',
    recipients: Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@example.org` })),
  });
  await as.post(`/email-server/campaigns/${data.documentId}/send`).send({}).expect(200);
  return data.documentId as string;
};
