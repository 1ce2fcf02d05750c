/**
 * What the mailer will not do on a caller's behalf: read files or URLs named by attachments, keep
 * an unbounded cache of server look-ups, or (with blockPrivateNetworks) connect into private
 * networks.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { createServer, smtpRelay } from '../helpers/campaigns';
import { freePort } from '../helpers/net';

let app: TestApp;
let sink: SmtpSink;
let web: http.Server;
let webPort: number;
let webRequests = 0;
const secretFile = path.join(os.tmpdir(), `mailer-guard-${process.pid}.txt`);

const mailer = () => app.strapi.plugin('email-server').service('mailer');
const servers = () => app.strapi.plugin('email-server').service('servers');
const setBlocking = (on: boolean) => app.strapi.config.set('plugin::email-server.blockPrivateNetworks', on);

beforeAll(async () => {
  fs.writeFileSync(secretFile, 'contents-of-a-server-file');
  sink = await startSmtpSink();
  webPort = await freePort();
  web = http.createServer((_req, res) => {
    webRequests += 1;
    res.end('contents-of-an-internal-url');
  });
  await new Promise<void>((resolve) => web.listen(webPort, '127.0.0.1', resolve));
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_CAMPAIGNS: 'false', EMAIL_SERVER_VERIFY_TIMEOUT_MS: '3000' });
  await createServer(app.as(), smtpRelay(sink.port, { name: 'Sink', isDefault: true }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.stop();
  web?.close();
  fs.rmSync(secretFile, { force: true });
});
afterEach(() => setBlocking(false));

describe('attachments', () => {
  it('refuses a path or an href unless the code allows file access', async () => {
    for (const attachment of [{ filename: 'a.txt', path: secretFile }, { filename: 'b.txt', href: `http://127.0.0.1:${webPort}/x` }]) {
      await expect(
        mailer().send({ to: 'a@example.org', subject: 'Files', text: 'see attached', attachments: [attachment as any] })
      ).rejects.toThrow(/Attachment 1 names a file or URL to read/);
    }
    expect(webRequests).toBe(0);
    // The same through Strapi's own email service, which goes out through the default server.
    await expect(
      app.strapi.plugin('email').service('email').send({ to: 'a@example.org', subject: 'Files', text: 'x', attachments: [{ filename: 'a.txt', path: secretFile }] })
    ).rejects.toThrow(/names a file or URL/);

    // A mail that does go out afterwards carries no file content: the refused ones sent nothing.
    sink.clear();
    await mailer().send({ to: 'after@example.org', subject: 'After', text: 'plain' });
    const received = (await sink.waitForMessages(1)).find((m) => m.rcptTo[0] === 'after@example.org')!;
    expect((await sink.messages()).map((m) => m.rcptTo[0])).toEqual(['after@example.org']);
    expect(received.raw).not.toContain('contents-of');
  });

  it('reads a file when the calling code says allowFileAccess: true', async () => {
    sink.clear();
    await mailer().send({
      to: 'files@example.org',
      subject: 'Allowed',
      text: 'attached',
      attachments: [{ filename: 'a.txt', path: secretFile }],
      allowFileAccess: true,
    });
    const [received] = await sink.waitForMessages(1);
    expect(received.mail.attachments.map((a: any) => a.content.toString())).toEqual(['contents-of-a-server-file']);
  });
});

it('keeps a bounded number of server look-ups, whatever names callers pass', async () => {
  for (let i = 0; i < 1000; i++) {
    await expect(mailer().send({ server: `no-such-server-${i}`, to: 'a@example.org', subject: 'x', text: 'x' })).rejects.toThrow(/No email server/);
  }
  // The service's bound (LOOKUP_MAX_ENTRIES), far below the 1,000 names tried.
  const bound = 200;
  expect(servers().lookupCacheSize()).toBeLessThanOrEqual(bound);
});

describe('blockPrivateNetworks', () => {
  it('is off by default: loopback servers work', async () => {
    const res = await app.as().post('/email-server/servers').send(smtpRelay(sink.port, { name: 'Loopback allowed' }));
    expect(res.status).toBe(201);
  });

  it('refuses hosts in private ranges when saved', async () => {
    setBlocking(true);
    for (const host of ['127.0.0.1', 'localhost', '10.1.2.3', '192.168.0.10', '169.254.169.254', '::1', '64:ff9b::a01:203', '2002:a01:203::1', '198.18.0.1']) {
      const res = await app.as().post('/email-server/servers').send(smtpRelay(sink.port, { name: `Blocked ${host}`, smtpHost: host }));
      expect([host, res.status]).toEqual([host, 400]);
      expect(res.body.error.details.errors[0]).toMatchObject({ path: ['smtpHost'], message: `${host} resolves to a loopback, link-local or private address, and this Strapi refuses those for mail servers (blockPrivateNetworks).` });
    }
    const incoming = await app
      .as()
      .post('/email-server/servers')
      .send(
        smtpRelay(sink.port, {
          name: 'Blocked incoming',
          smtpHost: 'smtp.example.com',
          incomingProtocol: 'imap',
          incomingHost: '127.0.0.2',
          incomingPort: 143,
          incomingUsername: 'u',
          incomingPassword: 'p-Secret',
        })
      );
    expect(incoming.status).toBe(400);
    expect(incoming.body.error.details.errors[0].path).toEqual(['incomingHost']);
  });

  it('refuses to connect to a stored server that resolves into one', async () => {
    const server = await createServer(app.as(), smtpRelay(sink.port, { name: 'Stored before blocking' }));
    setBlocking(true);
    sink.clear();
    const check = (await app.as().post(`/email-server/servers/${server.documentId}/verify`).send({})).body.data;
    // The refusal names the host, never the address it resolved to (no internal DNS lookups for admins).
    expect(check.outgoing).toMatchObject({ ok: false, message: '127.0.0.1 resolves to a loopback, link-local or private address, and this Strapi refuses those for mail servers (blockPrivateNetworks).' });
    await expect(mailer().send({ server: server.documentId, to: 'a@example.org', subject: 'x', text: 'x' })).rejects.toThrow(/blockPrivateNetworks/);
    // Turned off again, the same server sends: the sink is reachable, the guard was what refused.
    setBlocking(false);
    await mailer().send({ server: server.documentId, to: 'b@example.org', subject: 'x', text: 'x' });
    expect((await sink.waitForMessages(1)).map((m) => m.rcptTo[0])).toEqual(['b@example.org']);
  });
});
