import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootStrapi, type TestApp } from '../helpers/strapi';
import { waitUntil } from '../helpers/net';
import { sendgridServer, smtpWithImap } from '../helpers/fixtures';

const UID = 'plugin::email-server.email-server';
const SECRETS = ['smtp-Secret-1', 'imap-Secret-2', 'SG.test-token-Secret-3', 'replaced-Smtp-4', 'replaced-Token-5'];


describe.each([
  ['a key derived from APP_KEYS', { ENCRYPTION_KEY: undefined }, 'esv1:'],
  ["Strapi's admin::encryption (ENCRYPTION_KEY set)", { ENCRYPTION_KEY: 'test-encryption-key-0123456789' }, 'v1:'],
])('secrets encrypted with %s', (_what, env, prefix) => {
  let app: TestApp;
  const bodies: string[] = [];
  // Every log line of every level goes to this file while the suite runs.
  const logFile = path.join(os.tmpdir(), `email-server-secrets-${process.pid}-${prefix}.log`);

  beforeAll(async () => {
    fs.rmSync(logFile, { force: true });
    app = await bootStrapi({ ...env, STRAPI_LOG_FILE: logFile });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    fs.rmSync(logFile, { force: true });
  });

  const record = <T extends { text: string }>(res: T) => {
    bodies.push(res.text);
    return res;
  };
  const row = (documentId: string) => app.strapi.db.query(UID).findOne({ where: { documentId } });
  const decrypt = (value: string) => app.strapi.plugin('email-server').service('secrets').decrypt(value);

  it('stores secrets encrypted, reports only whether they are set, and keeps or replaces them', async () => {
    const smtp = record(await app.as().post('/email-server/servers').send(smtpWithImap())).body.data;
    const sg = record(await app.as().post('/email-server/servers').send(sendgridServer())).body.data;
    expect(smtp).toMatchObject({ smtpPasswordSet: true, incomingPasswordSet: true, apiTokenSet: false });
    expect(sg).toMatchObject({ apiTokenSet: true });

    let stored = await row(smtp.documentId);
    expect(stored.smtpPassword.startsWith(prefix)).toBe(true);
    expect(stored.smtpPassword).not.toContain('smtp-Secret-1');
    expect(decrypt(stored.smtpPassword)).toBe('smtp-Secret-1');
    expect(decrypt(stored.incomingPassword)).toBe('imap-Secret-2');
    expect(decrypt((await row(sg.documentId)).apiToken)).toBe('SG.test-token-Secret-3');

    // Absent and "" both keep the stored secret.
    record(await app.as().put(`/email-server/servers/${smtp.documentId}`).send({ senderName: 'Kept' }));
    record(await app.as().put(`/email-server/servers/${smtp.documentId}`).send({ smtpPassword: '', incomingPassword: '' }));
    record(await app.as().put(`/email-server/servers/${sg.documentId}`).send({ apiToken: '' }));
    stored = await row(smtp.documentId);
    expect(decrypt(stored.smtpPassword)).toBe('smtp-Secret-1');
    expect(decrypt(stored.incomingPassword)).toBe('imap-Secret-2');
    expect(decrypt((await row(sg.documentId)).apiToken)).toBe('SG.test-token-Secret-3');

    // A new value replaces it.
    const replaced = record(
      await app.as().put(`/email-server/servers/${smtp.documentId}`).send({ smtpPassword: 'replaced-Smtp-4' })
    ).body.data;
    expect(replaced.smtpPasswordSet).toBe(true);
    expect(decrypt((await row(smtp.documentId)).smtpPassword)).toBe('replaced-Smtp-4');
    record(await app.as().put(`/email-server/servers/${sg.documentId}`).send({ apiToken: 'replaced-Token-5' }));
    expect(decrypt((await row(sg.documentId)).apiToken)).toBe('replaced-Token-5');

    record(await app.as().get('/email-server/servers'));
    record(await app.as().get(`/email-server/servers/${smtp.documentId}`));
    record(await app.as().get(`/email-server/servers/${sg.documentId}`));
    // A failing request must not echo secrets either.
    record(await app.as().post('/email-server/servers').send(smtpWithImap({ smtpPort: 0 })));
    record(await app.as().post('/email-server/servers').send(sendgridServer({ name: 'newsletter' })));
  });

  it('never returns a secret in any response body', () => {
    expect(bodies.length).toBeGreaterThan(8);
    for (const body of bodies) for (const secret of SECRETS) expect(body).not.toContain(secret);
  });

  it('never writes a secret in plaintext to the database', async () => {
    const dump = await app.db.dump(app.strapi);
    expect(dump).toContain('Support mail'); // the dump really holds the rows
    for (const secret of SECRETS) expect(dump).not.toContain(secret);
  });

  it('never logs a secret', async () => {
    // The file transport writes behind: wait until it holds a request line for every response read above.
    const requestLines = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('/email-server/servers')).length : 0);
    await waitUntil(() => requestLines() >= bodies.length, 10_000, 'a log line for every request');
    const all = fs.readFileSync(logFile, 'utf8');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
  });
});
