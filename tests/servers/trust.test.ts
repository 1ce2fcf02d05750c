/**
 * Trust in stored credentials: a password follows the host it was entered for, the default server
 * needs its own permission, a password that no longer decrypts is never sent as an empty one,
 * Fetch now respects a paused server, and "Test connection" does not echo other services' banners.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import { bootStrapi, createLimitedAdmin, type TestApp } from '../helpers/strapi';
import { startSmtpServer, type ScriptedSmtp } from '../helpers/smtp-server';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { freePort, waitUntil } from '../helpers/net';

const SERVER_UID = 'plugin::email-server.email-server';

let app: TestApp;
let relay: ScriptedSmtp;
let dovecot: Dovecot;
const RELAY_PASSWORD = 'Relay-Secret-1';

beforeAll(async () => {
  relay = await startSmtpServer({ auth: { username: 'relay-user', password: RELAY_PASSWORD } });
  dovecot = await startDovecot();
  app = await bootStrapi({ EMAIL_SERVER_POLLING: 'false', EMAIL_SERVER_CAMPAIGNS: 'false', EMAIL_SERVER_VERIFY_TIMEOUT_MS: '3000' });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await relay?.stop();
  await dovecot?.stop();
});

let counter = 0;
const serverBody = (overrides: Record<string, unknown> = {}) => ({
  name: `Trusted ${++counter}`,
  type: 'smtp',
  senderEmail: 'support@example.com',
  smtpHost: '127.0.0.1',
  smtpPort: relay.port,
  smtpSecurity: 'none',
  smtpUsername: 'relay-user',
  smtpPassword: RELAY_PASSWORD,
  ...overrides,
});
const withImap = (overrides: Record<string, unknown> = {}) =>
  serverBody({
    incomingProtocol: 'imap',
    incomingHost: '127.0.0.1',
    incomingPort: dovecot.ports.imap,
    incomingSecurity: 'none',
    incomingUsername: dovecot.newMailbox(),
    incomingPassword: 'Imap-Password-1',
    ...overrides,
  });

const create = async (body: Record<string, unknown>, token?: string) => {
  const res = await app.as(token).post('/email-server/servers').send(body);
  expect(res.status).toBe(201);
  return res.body.data;
};
const read = async (documentId: string) => (await app.as().get(`/email-server/servers/${documentId}`)).body.data;
const verify = async (documentId: string) => (await app.as().post(`/email-server/servers/${documentId}/verify`).send({})).body.data;

describe('a stored password follows the host it was entered for', () => {
  it.each([
    ['host', { smtpHost: 'localhost' }, 'host'],
    ['port', { smtpPort: 2525 }, 'port'],
    ['security mode', { smtpSecurity: 'starttls' }, 'security mode'],
    ['certificate check', { smtpSecurity: 'tls', tlsRejectUnauthorized: false }, 'security mode'],
  ])('a change of the outgoing %s without the password is a 400 on smtpPassword, and nothing changes', async (_what, change, word) => {
    const server = await create(serverBody());
    const res = await app.as().put(`/email-server/servers/${server.documentId}`).send(change);
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors).toEqual([
      { path: ['smtpPassword'], message: `Re-enter the password: the server's ${word} changed.`, name: 'ValidationError' },
    ]);
    expect(await read(server.documentId)).toMatchObject({ smtpHost: '127.0.0.1', smtpPort: relay.port, smtpSecurity: 'none' });

    // With the password in the same request the change is taken.
    const again = await app.as().put(`/email-server/servers/${server.documentId}`).send({ ...change, smtpPassword: 'Another-Secret-2' });
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ ...change, smtpPasswordSet: true });
  });

  it('turning certificate verification off asks for both passwords; turning it on asks for none', async () => {
    const server = await create(withImap({ tlsRejectUnauthorized: true }));
    const off = await app.as().put(`/email-server/servers/${server.documentId}`).send({ tlsRejectUnauthorized: false });
    expect(off.status).toBe(400);
    expect(off.body.error.details.errors.map((e: any) => [e.path[0], e.message])).toEqual([
      ['smtpPassword', "Re-enter the password: the server's certificate check changed."],
      ['incomingPassword', "Re-enter the password: the server's certificate check changed."],
    ]);
    const both = await app
      .as()
      .put(`/email-server/servers/${server.documentId}`)
      .send({ tlsRejectUnauthorized: false, smtpPassword: RELAY_PASSWORD, incomingPassword: 'Imap-Password-1' });
    expect(both.status).toBe(200);
    const on = await app.as().put(`/email-server/servers/${server.documentId}`).send({ tlsRejectUnauthorized: true });
    expect(on.status).toBe(200);
    expect((await read(server.documentId)).tlsRejectUnauthorized).toBe(true);
  });

  it('a change of the incoming host or port without its password is a 400 on incomingPassword', async () => {
    const server = await create(withImap());
    for (const change of [{ incomingHost: 'localhost' }, { incomingPort: dovecot.ports.pop3 }, { incomingSecurity: 'tls' }]) {
      const res = await app.as().put(`/email-server/servers/${server.documentId}`).send(change);
      expect(res.status).toBe(400);
      expect(res.body.error.details.errors.map((e: any) => e.path[0])).toEqual(['incomingPassword']);
    }
    expect(await read(server.documentId)).toMatchObject({ incomingHost: '127.0.0.1', incomingPort: dovecot.ports.imap });
  });

  it('the stored password reaches only the host it was entered for', async () => {
    // A relay of "someone else's" that records the logins it gets.
    const other = await startSmtpServer({ auth: { username: 'relay-user', password: 'whatever' } });
    try {
      const server = await create(serverBody());
      const moved = await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpPort: other.port });
      expect(moved.status).toBe(400);
      await verify(server.documentId);
      expect(other.connections).toBe(0);
      expect(other.authAttempts).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it('other edits keep the stored password, and it still logs in', async () => {
    const server = await create(serverBody());
    const res = await app.as().put(`/email-server/servers/${server.documentId}`).send({ senderName: 'Help desk', smtpUsername: 'relay-user' });
    expect(res.status).toBe(200);
    expect((await verify(server.documentId)).outgoing).toMatchObject({ ok: true });
    expect(relay.authAttempts.at(-1)).toEqual({ username: 'relay-user', ok: true });
  });

  it('the service refuses it for code that calls it directly, too', async () => {
    const server = await create(serverBody());
    const servers = app.strapi.plugin('email-server').service('servers');
    const stored = await servers.getOrThrow(server.documentId);
    const { smtpPassword: _kept, ...rest } = { ...serverBody(), name: stored.name, smtpHost: 'localhost' } as any;
    await expect(servers.update(stored, rest)).rejects.toMatchObject({ name: 'ValidationError' });
    expect((await read(server.documentId)).smtpHost).toBe('127.0.0.1');
  });
});

describe('the default server needs servers.set-default', () => {
  const READ_UPDATE = ['plugin::email-server.servers.read', 'plugin::email-server.servers.update', 'plugin::email-server.servers.create'];
  const SET_DEFAULT = 'plugin::email-server.servers.set-default';

  it('an admin without it cannot make a server the default, on create or update', async () => {
    const token = await createLimitedAdmin(app, READ_UPDATE);
    const refused = await app.as(token).post('/email-server/servers').send(serverBody({ isDefault: true }));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/Set the default server/);
    const server = await create(serverBody(), token);
    const promote = await app.as(token).put(`/email-server/servers/${server.documentId}`).send({ isDefault: true });
    expect(promote.status).toBe(403);
    expect((await read(server.documentId)).isDefault).toBe(false);
    const names = (await app.as().get('/email-server/servers')).body.data.map((s: any) => s.name);
    expect(names).not.toContain(serverBody({ isDefault: true }).name);
  });

  it('cannot re-point or demote the default server, but may edit its other fields', async () => {
    const server = await create(serverBody({ isDefault: true }));
    const token = await createLimitedAdmin(app, READ_UPDATE);
    const repoint = await app.as(token).put(`/email-server/servers/${server.documentId}`).send({ smtpHost: 'localhost', smtpPassword: 'Mine-1' });
    expect(repoint.status).toBe(403);
    const demote = await app.as(token).put(`/email-server/servers/${server.documentId}`).send({ isDefault: false });
    expect(demote.status).toBe(403);
    expect(await read(server.documentId)).toMatchObject({ smtpHost: '127.0.0.1', isDefault: true });
    const tune = await app.as(token).put(`/email-server/servers/${server.documentId}`).send({ rateLimitPerSecond: 20 });
    expect(tune.status).toBe(200);
    expect(await read(server.documentId)).toMatchObject({ rateLimitPerSecond: 20, isDefault: true });
  });

  it('cannot disable the default server or change where replies to its mail go', async () => {
    const server = await create(serverBody({ isDefault: true }));
    const token = await createLimitedAdmin(app, READ_UPDATE);
    for (const change of [{ enabled: false }, { replyTo: 'attacker@example.net' }, { senderEmail: 'attacker@example.net' }]) {
      const res = await app.as(token).put(`/email-server/servers/${server.documentId}`).send(change);
      expect([change, res.status]).toEqual([change, 403]);
    }
    expect(await read(server.documentId)).toMatchObject({ enabled: true, replyTo: null, senderEmail: 'support@example.com', isDefault: true });
  });

  it('an admin with it may', async () => {
    const token = await createLimitedAdmin(app, [...READ_UPDATE, SET_DEFAULT]);
    const server = await create(serverBody());
    const promote = await app.as(token).put(`/email-server/servers/${server.documentId}`).send({ isDefault: true });
    expect(promote.status).toBe(200);
    expect((await read(server.documentId)).isDefault).toBe(true);
  });

  it('shows in Settings → Roles with the other server actions', async () => {
    const res = await app.as().get('/admin/permissions');
    const actions = res.body.data.sections.plugins.filter((a: any) => a.plugin === 'email-server' && a.subCategory === 'Email servers');
    expect(actions.map((a: any) => [a.action, a.displayName])).toContainEqual([SET_DEFAULT, 'Set the default server']);
  });
});

describe('a stored secret that no longer decrypts', () => {
  /** Writes a stored value below the API, as a changed key would leave it. */
  const overwrite = async (documentId: string, data: Record<string, unknown>) => {
    await app.strapi.db.query(SERVER_UID).update({ where: { documentId }, data });
  };
  const fallbackKey = (material: string) => crypto.scryptSync(material, 'strapi-plugin-email-server', 32);
  const seal = (key: Buffer, plain: string, tagLength = 16) => {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `esv1:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
  };

  it('is never sent as an empty password: the server needs attention and nothing connects', async () => {
    const server = await create(serverBody());
    // Sealed with a key this app does not have.
    await overwrite(server.documentId, { smtpPassword: seal(crypto.randomBytes(32), RELAY_PASSWORD) });
    const before = relay.connections;

    expect((await read(server.documentId)).unreadableSecrets).toEqual(['smtpPassword']);
    const check = await verify(server.documentId);
    expect(check.outgoing).toMatchObject({ ok: false, message: expect.stringMatching(/^Needs attention: re-enter the SMTP password/) });
    const sent = app.strapi
      .plugin('email-server')
      .service('mailer')
      .send({ server: server.documentId, to: 'a@example.org', subject: 'x', text: 'x' });
    await expect(sent).rejects.toThrow(/re-enter the SMTP password/);
    expect(relay.connections).toBe(before);

    // Saving without it is refused on its field; entering it again makes the server work.
    const kept = await app.as().put(`/email-server/servers/${server.documentId}`).send({ senderName: 'x' });
    expect(kept.status).toBe(400);
    expect(kept.body.error.details.errors.map((e: any) => e.path[0])).toEqual(['smtpPassword']);
    const fixed = await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpPassword: RELAY_PASSWORD });
    expect(fixed.status).toBe(200);
    expect(fixed.body.data.unreadableSecrets).toEqual([]);
    expect((await verify(server.documentId)).outgoing.ok).toBe(true);
  });

  it('refuses a shortened GCM tag (the tag length is pinned to 16 bytes)', async () => {
    const server = await create(serverBody());
    // An empty plaintext with a 4-byte tag: forgeable by trying 2^32 values.
    await overwrite(server.documentId, { smtpPassword: seal(fallbackKey('testKeyA'), '', 4) });
    const before = relay.authAttempts.length;
    expect((await read(server.documentId)).unreadableSecrets).toEqual(['smtpPassword']);
    expect((await verify(server.documentId)).outgoing.ok).toBe(false);
    expect(relay.authAttempts.length).toBe(before);
  });

  it('is read with a key from the first APP_KEY only, so appending a rotated key keeps it readable', async () => {
    // The test app runs with APP_KEYS=testKeyA,testKeyB: a value sealed with the first key alone.
    const server = await create(serverBody());
    await overwrite(server.documentId, { smtpPassword: seal(fallbackKey('testKeyA'), RELAY_PASSWORD) });
    expect((await verify(server.documentId)).outgoing).toMatchObject({ ok: true });
    // What earlier versions stored (all keys joined) is still read.
    await overwrite(server.documentId, { smtpPassword: seal(fallbackKey('testKeyA,testKeyB'), RELAY_PASSWORD) });
    expect((await verify(server.documentId)).outgoing).toMatchObject({ ok: true });
  });

  it('is read when sealed with a key that was first before a rotation, and sealed again with the current one on save', async () => {
    // APP_KEYS=testKeyA,testKeyB: testKeyB stands for the key that was first before testKeyA was put in front.
    const server = await create(serverBody());
    await overwrite(server.documentId, { smtpPassword: seal(fallbackKey('testKeyB'), RELAY_PASSWORD) });
    expect((await verify(server.documentId)).outgoing).toMatchObject({ ok: true });
    expect((await app.as().put(`/email-server/servers/${server.documentId}`).send({ senderName: 'Resealed' })).status).toBe(200);
    const row = await app.strapi.db.query(SERVER_UID).findOne({ where: { documentId: server.documentId } });
    const raw = Buffer.from(String(row.smtpPassword).slice('esv1:'.length), 'base64');
    const decipher = crypto.createDecipheriv('aes-256-gcm', fallbackKey('testKeyA'), raw.subarray(0, 12), { authTagLength: 16 });
    decipher.setAuthTag(raw.subarray(12, 28));
    expect(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')).toBe(RELAY_PASSWORD);
  });

  it('pauses polling of a mailbox whose password cannot be read, without logging in', async () => {
    const server = await create(withImap());
    await overwrite(server.documentId, { incomingPassword: seal(crypto.randomBytes(32), 'Imap-Password-1') });
    const user = (await read(server.documentId)).incomingUsername;
    const res = await app.as().post(`/email-server/servers/${server.documentId}/fetch`).send({});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/^Needs attention: re-enter the incoming mail password/);
    expect((await read(server.documentId)).incomingAttention).toMatch(/re-enter the incoming mail password/);
    expect(dovecot.log()).not.toContain(user);
  });
});

describe('Fetch now while polling is paused after failed logins', () => {
  it('answers 409 with the reason and does not log in again', async () => {
    const server = await create(withImap({ incomingPassword: 'Wrong-Password-9' }));
    const user = (await read(server.documentId)).incomingUsername;
    const failedLogins = () => dovecot.loginAttempts(user);
    for (let i = 0; i < 3; i++) {
      const res = await app.as().post(`/email-server/servers/${server.documentId}/fetch`).send({});
      expect(res.status).toBe(400);
    }
    await waitUntil(() => failedLogins() === 3, 10_000, 'three login attempts in the Dovecot log');
    expect((await read(server.documentId)).incomingAttention).toMatch(/Polling paused after 3 failed logins/);

    const paused = await app.as().post(`/email-server/servers/${server.documentId}/fetch`).send({});
    expect(paused.status).toBe(409);
    expect(paused.body.error).toMatchObject({ status: 409, message: expect.stringMatching(/Polling paused after 3 failed logins/) });
    // Dovecot logs each refused login at once (auth_verbose): a 4th one would be there by now,
    // since a good login of another mailbox, made after it, is already logged.
    const probe = await create(withImap());
    const probeUser = (await read(probe.documentId)).incomingUsername;
    expect((await app.as().post(`/email-server/servers/${probe.documentId}/fetch`).send({})).status).toBe(200);
    await waitUntil(() => dovecot.log().includes(probeUser), 10_000, 'the probe login in the log');
    expect(failedLogins()).toBe(3);
  });
});

describe('Test connection does not echo what other services answer', () => {
  it.each([['SMTP'], ['IMAP'], ['POP3']])('%s against a service that is not a mail server', async (protocol) => {
    const port = await freePort();
    const banner = 'SSH-2.0-OpenSSH_9.2p1 Secret-Build-4711';
    const other = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.write(`${banner}\r\n`);
      socket.on('data', () => socket.write('Protocol mismatch. internal-host-7.corp\r\n'));
    });
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
    try {
      const server =
        protocol === 'SMTP'
          ? await create(serverBody({ smtpPort: port }))
          : await create(withImap({ incomingProtocol: protocol.toLowerCase(), incomingPort: port }));
      const result = await verify(server.documentId);
      const check = protocol === 'SMTP' ? result.outgoing : result.incoming;
      expect(check.ok).toBe(false);
      // imapflow waits for an IMAP greeting until the timeout; SMTP and POP3 see the banner at once.
      expect(check.message).toMatch(protocol === 'IMAP' ? /greeting/ : /did not answer like a mail server/);
      expect(JSON.stringify(result)).not.toMatch(/OpenSSH|Secret-Build|internal-host|mismatch/);
      expect((await read(server.documentId)).lastCheckMessage).not.toMatch(/OpenSSH|Secret-Build|internal-host/);
    } finally {
      other.close();
    }
  });
});
