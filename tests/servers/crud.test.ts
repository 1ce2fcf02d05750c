import { bootStrapi, type TestApp } from '../helpers/strapi';
import { sendgridServer, smtpServer, smtpWithImap } from '../helpers/fixtures';

let app: TestApp;
beforeAll(async () => {
  app = await bootStrapi();
}, 120_000);
afterAll(async () => app?.close());

const create = async (body: object) => {
  const res = await app.as().post('/email-server/servers').send(body);
  expect(res.status).toBe(201);
  return res.body.data;
};

afterEach(async () => {
  await app.strapi.db.query('plugin::email-server.email-server').deleteMany({});
});

describe('create, read, update, delete', () => {
  it('creates an SMTP server with its defaults and returns it without secrets', async () => {
    const server = await create(smtpWithImap({ smtpPort: 465, incomingPort: 143 }));
    expect(server).toMatchObject({
      name: 'Support mail',
      type: 'smtp',
      senderEmail: 'support@example.com',
      senderName: 'Support',
      replyTo: 'help@example.com',
      smtpHost: 'smtp.example.com',
      smtpPort: 465,
      smtpSecurity: 'tls',
      smtpUsername: 'support',
      incomingProtocol: 'imap',
      incomingHost: 'imap.example.com',
      incomingPort: 143,
      incomingSecurity: 'starttls',
      incomingUsername: 'support',
      incomingFolder: 'INBOX',
      pollIntervalSeconds: 60,
      tlsRejectUnauthorized: true,
      isDefault: false,
      enabled: true,
      apiTokenSet: false,
      smtpPasswordSet: true,
      incomingPasswordSet: true,
    });
    for (const secret of ['apiToken', 'smtpPassword', 'incomingPassword', 'nameKey', 'id']) {
      expect(Object.keys(server)).not.toContain(secret);
    }
    expect(typeof server.documentId).toBe('string');
    expect(server.createdAt).toBeTruthy();
    expect(server.updatedAt).toBeTruthy();
  });

  it('defaults security from the port: starttls on 587, tls on 995', async () => {
    const server = await create(
      smtpWithImap({ incomingProtocol: 'pop3', incomingPort: 995, incomingFolder: 'Ignored' })
    );
    expect(server.smtpSecurity).toBe('starttls');
    expect(server.incomingSecurity).toBe('tls');
    expect(server.incomingFolder).toBeNull();
  });

  it('creates a SendGrid server with every SMTP and incoming field null', async () => {
    const server = await create(sendgridServer({ smtpHost: 'smtp.example.com', smtpPort: 25 }));
    expect(server).toMatchObject({ type: 'sendgrid', apiTokenSet: true, smtpPasswordSet: false });
    for (const field of ['smtpHost', 'smtpPort', 'smtpSecurity', 'smtpUsername', 'incomingProtocol', 'incomingHost', 'incomingPort', 'incomingUsername', 'incomingFolder']) {
      expect(server[field]).toBeNull();
    }
  });

  it('lists servers sorted by name, case-insensitively', async () => {
    await create(smtpServer({ name: 'beta' }));
    await create(sendgridServer({ name: 'Alpha' }));
    await create(smtpServer({ name: 'gamma' }));
    const res = await app.as().get('/email-server/servers');
    expect(res.status).toBe(200);
    expect(res.body.data.map((s: any) => s.name)).toEqual(['Alpha', 'beta', 'gamma']);
  });

  it('gets one server by documentId and answers 404 for an unknown one', async () => {
    const server = await create(smtpServer());
    const found = await app.as().get(`/email-server/servers/${server.documentId}`);
    expect(found.status).toBe(200);
    expect(found.body.data).toEqual(server);

    const missing = await app.as().get('/email-server/servers/doesnotexist');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ status: 404, name: 'NotFoundError' });
  });

  it('updates a server with only the fields that change', async () => {
    const server = await create(smtpServer());
    const res = await app.as().put(`/email-server/servers/${server.documentId}`).send({ senderName: 'Help desk', enabled: false });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'Support mail', senderName: 'Help desk', smtpPort: 587, enabled: false, smtpPasswordSet: true });
  });

  it('deletes a server; a second delete is a 404', async () => {
    const server = await create(smtpServer());
    const res = await app.as().delete(`/email-server/servers/${server.documentId}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { documentId: server.documentId } });
    expect((await app.as().get(`/email-server/servers/${server.documentId}`)).status).toBe(404);
    expect((await app.as().delete(`/email-server/servers/${server.documentId}`)).status).toBe(404);
    expect((await app.as().put(`/email-server/servers/${server.documentId}`).send({ enabled: false })).status).toBe(404);
  });
});

describe('names', () => {
  it('rejects a duplicate name in another case, on create and on rename', async () => {
    const first = await create(smtpServer({ name: 'Support' }));
    const dup = await app.as().post('/email-server/servers').send(sendgridServer({ name: '  SUPPORT ' }));
    expect(dup.status).toBe(400);
    expect(dup.body.error.details.errors).toEqual([
      expect.objectContaining({ path: ['name'], message: 'An email server with this name already exists.' }),
    ]);

    const other = await create(sendgridServer({ name: 'Other' }));
    const rename = await app.as().put(`/email-server/servers/${other.documentId}`).send({ name: 'support' });
    expect(rename.status).toBe(400);
    expect(rename.body.error.details.errors[0].path).toEqual(['name']);

    // Renaming a server to its own name in another case is fine.
    const self = await app.as().put(`/email-server/servers/${first.documentId}`).send({ name: 'SUPPORT' });
    expect(self.status).toBe(200);
    expect(self.body.data.name).toBe('SUPPORT');
  });

  it('trims the name', async () => {
    const server = await create(smtpServer({ name: '  Padded  ' }));
    expect(server.name).toBe('Padded');
  });

  it('lets only one of two concurrent creates with the same name win', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => app.as().post('/email-server/servers').send(smtpServer({ name: 'Race' })))
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 400, 400]);
    const list = await app.as().get('/email-server/servers');
    expect(list.body.data).toHaveLength(1);
  });
});

describe('type switch', () => {
  it('SMTP to SendGrid clears the SMTP and incoming fields and their secrets', async () => {
    const server = await create(smtpWithImap());
    const res = await app.as().put(`/email-server/servers/${server.documentId}`).send({ type: 'sendgrid', apiToken: 'SG.new-token' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      type: 'sendgrid',
      apiTokenSet: true,
      smtpHost: null,
      smtpPort: null,
      smtpSecurity: null,
      smtpUsername: null,
      smtpPasswordSet: false,
      incomingProtocol: null,
      incomingHost: null,
      incomingPort: null,
      incomingUsername: null,
      incomingPasswordSet: false,
    });
    const row = await app.strapi.db.query('plugin::email-server.email-server').findOne({ where: { documentId: server.documentId } });
    expect(row.smtpPassword).toBeNull();
    expect(row.incomingPassword).toBeNull();
  });

  it('SendGrid to SMTP clears the token and needs the SMTP fields', async () => {
    const server = await create(sendgridServer());
    const incomplete = await app.as().put(`/email-server/servers/${server.documentId}`).send({ type: 'smtp' });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error.details.errors.map((e: any) => e.path[0]).sort()).toEqual(['smtpHost', 'smtpPort']);

    const res = await app.as().put(`/email-server/servers/${server.documentId}`).send({ type: 'smtp', smtpHost: '127.0.0.1', smtpPort: 25 });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ type: 'smtp', apiTokenSet: false, smtpHost: '127.0.0.1', smtpSecurity: 'starttls' });
    const row = await app.strapi.db.query('plugin::email-server.email-server').findOne({ where: { documentId: server.documentId } });
    expect(row.apiToken).toBeNull();
  });

  it('choosing no incoming protocol clears the incoming fields', async () => {
    const server = await create(smtpWithImap());
    const res = await app.as().put(`/email-server/servers/${server.documentId}`).send({ incomingProtocol: null });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ incomingProtocol: null, incomingHost: null, incomingPasswordSet: false });
  });

  it('clearing the SMTP username clears the stored password too', async () => {
    const server = await create(smtpServer());
    const res = await app.as().put(`/email-server/servers/${server.documentId}`).send({ smtpUsername: '' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ smtpUsername: null, smtpPasswordSet: false });
  });
});

describe('default server', () => {
  it('keeps at most one default: making one default clears the others', async () => {
    const a = await create(smtpServer({ name: 'A', isDefault: true }));
    const b = await create(sendgridServer({ name: 'B', isDefault: true }));
    let list = (await app.as().get('/email-server/servers')).body.data;
    expect(list.filter((s: any) => s.isDefault).map((s: any) => s.name)).toEqual(['B']);

    await app.as().put(`/email-server/servers/${a.documentId}`).send({ isDefault: true });
    list = (await app.as().get('/email-server/servers')).body.data;
    expect(list.filter((s: any) => s.isDefault).map((s: any) => s.name)).toEqual(['A']);

    // Editing the non-default server without touching isDefault leaves the default alone.
    await app.as().put(`/email-server/servers/${b.documentId}`).send({ senderName: 'News' });
    list = (await app.as().get('/email-server/servers')).body.data;
    expect(list.filter((s: any) => s.isDefault).map((s: any) => s.name)).toEqual(['A']);
  });
});
