/**
 * "Detect settings" against a real Strapi whose resolver points at a loopback DNS server and
 * whose autoconfig URLs point at a loopback HTTP server (the real ones cannot be reached).
 */
import { autoconfigXml, serverXml, startAutoconfigServer, type FakeAutoconfig } from '../helpers/autoconfig-server';
import { startDnsServer, type FakeDns } from '../helpers/dns-server';
import { bootStrapi, createLimitedAdmin, type TestApp } from '../helpers/strapi';

const TIMEOUT_MS = 1000;
const TOTAL_MS = 5000;

let app: TestApp;
let dns: FakeDns;
let web: FakeAutoconfig;
beforeAll(async () => {
  dns = await startDnsServer();
  web = await startAutoconfigServer();
  app = await bootStrapi({
    EMAIL_SERVER_DETECT_DNS: dns.address,
    EMAIL_SERVER_DETECT_TIMEOUT_MS: String(TIMEOUT_MS),
    EMAIL_SERVER_DETECT_TOTAL_TIMEOUT_MS: String(TOTAL_MS),
    EMAIL_SERVER_DETECT_AUTOCONFIG_URLS: [
      `http://autoconfig.{domain}:${web.port}/mail/config-v1.1.xml?emailaddress={email}`,
      `http://{domain}:${web.port}/.well-known/autoconfig/mail/config-v1.1.xml`,
    ].join(','),
  });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await dns?.stop();
  await web?.stop();
});

const detect = (email: unknown, token?: string) => app.as(token).post('/email-server/servers/detect').send({ email });

it('proposes the Gmail preset for a gmail.com address without asking DNS', async () => {
  const res = await detect('jane@gmail.com');
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({
    source: 'preset',
    presetId: 'google',
    settings: {
      type: 'smtp',
      smtpHost: 'smtp.gmail.com',
      smtpPort: 465,
      smtpSecurity: 'tls',
      smtpAuthMethod: 'oauth2',
      smtpUsername: 'jane@gmail.com',
      incomingProtocol: 'imap',
      incomingHost: 'imap.gmail.com',
      incomingPort: 993,
      incomingSecurity: 'tls',
      incomingAuthMethod: 'oauth2',
      incomingUsername: 'jane@gmail.com',
      oauthProvider: 'google',
    },
  });
  expect(res.body.data.notes.join(' ')).toMatch(/app password/);
  expect(dns.queries.filter((q) => q.name.endsWith('gmail.com'))).toEqual([]);
});

it('recognises Google Workspace and Microsoft 365 by the domain\'s MX hosts, not by look-alikes', async () => {
  dns.set('acme-workspace.test', { MX: [{ exchange: 'alt1.aspmx.l.google.com', priority: 5 }, { exchange: 'aspmx.l.google.com', priority: 1 }] });
  const google = await detect('sales@acme-workspace.test');
  expect(google.status).toBe(200);
  expect(google.body.data).toMatchObject({ source: 'preset', presetId: 'google', settings: { smtpHost: 'smtp.gmail.com', smtpUsername: 'sales@acme-workspace.test' } });
  expect(google.body.data.notes[0]).toBe("acme-workspace.test's mail is handled by Gmail / Google Workspace (MX aspmx.l.google.com).");

  dns.set('contoso.test', { MX: [{ exchange: 'contoso-test.mail.protection.outlook.com', priority: 0 }] });
  const microsoft = await detect('it@contoso.test');
  expect(microsoft.body.data).toMatchObject({
    source: 'preset',
    presetId: 'microsoft365',
    settings: { smtpHost: 'smtp.office365.com', smtpPort: 587, smtpSecurity: 'starttls', incomingHost: 'outlook.office365.com', oauthProvider: 'microsoft' },
  });

  dns.set('lookalike.test', { MX: [{ exchange: 'mx.evilgoogle.com', priority: 0 }] });
  const lookalike = await detect('a@lookalike.test');
  expect(lookalike.body.data.source).toBeNull();
});

it('builds the settings from RFC 6186 SRV records in priority and weight order', async () => {
  dns.set('srv-mail.test', {});
  dns.set('_submission._tcp.srv-mail.test', { SRV: [{ priority: 0, weight: 1, port: 587, target: 'smtp.srv-mail.test' }] });
  dns.set('_imaps._tcp.srv-mail.test', {
    SRV: [
      { priority: 20, weight: 0, port: 993, target: 'backup-imap.srv-mail.test' },
      { priority: 10, weight: 1, port: 993, target: 'light-imap.srv-mail.test' },
      { priority: 10, weight: 9, port: 993, target: 'imap.srv-mail.test' },
    ],
  });
  // A target of "." says the service is not offered.
  dns.set('_imap._tcp.srv-mail.test', { SRV: [{ priority: 0, weight: 0, port: 0, target: '.' }] });
  dns.set('_pop3s._tcp.srv-mail.test', { SRV: [{ priority: 50, weight: 0, port: 995, target: 'pop.srv-mail.test' }] });

  const res = await detect('bob@srv-mail.test');
  expect(res.status).toBe(200);
  expect(res.body.data).toEqual({
    source: 'srv',
    settings: {
      type: 'smtp',
      smtpHost: 'smtp.srv-mail.test',
      smtpPort: 587,
      smtpSecurity: 'starttls',
      smtpAuthMethod: 'password',
      smtpUsername: 'bob@srv-mail.test',
      incomingProtocol: 'imap',
      incomingHost: 'imap.srv-mail.test',
      incomingPort: 993,
      incomingSecurity: 'tls',
      incomingAuthMethod: 'password',
      incomingUsername: 'bob@srv-mail.test',
    },
    notes: ["Found in srv-mail.test's DNS SRV records (RFC 6186)."],
  });
  const asked = dns.queries.filter((q) => q.name.endsWith('srv-mail.test')).map((q) => `${q.type} ${q.name}`);
  expect(asked).toEqual(
    expect.arrayContaining(['MX srv-mail.test', 'SRV _submission._tcp.srv-mail.test', 'SRV _imaps._tcp.srv-mail.test', 'SRV _pop3._tcp.srv-mail.test'])
  );
});

it('reads the autoconfig file at autoconfig.<domain>, mapping OAuth2 and the username placeholders', async () => {
  dns.set('autoconfig.ac-mail.test', { A: ['127.0.0.1'] });
  web.serve(
    'autoconfig.ac-mail.test',
    autoconfigXml('ac-mail.test', {
      incoming: [
        serverXml('incomingServer', { type: 'imap', hostname: 'imap.ac-mail.test', port: 993, socketType: 'SSL', authentication: ['OAuth2', 'password-cleartext'], username: '%EMAILADDRESS%' }),
        serverXml('incomingServer', { type: 'pop3', hostname: 'pop.ac-mail.test', port: 995, socketType: 'SSL', authentication: ['password-cleartext'], username: '%EMAILADDRESS%' }),
      ],
      outgoing: [
        serverXml('outgoingServer', { type: 'smtp', hostname: 'smtp.ac-mail.test', port: 587, socketType: 'STARTTLS', authentication: ['NTLM', 'OAuth2'], username: '%EMAILLOCALPART%' }),
      ],
    })
  );
  const res = await detect('carol@ac-mail.test');
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({
    source: 'autoconfig',
    settings: {
      type: 'smtp',
      smtpHost: 'smtp.ac-mail.test',
      smtpPort: 587,
      smtpSecurity: 'starttls',
      smtpAuthMethod: 'oauth2',
      smtpUsername: 'carol',
      incomingProtocol: 'imap',
      incomingHost: 'imap.ac-mail.test',
      incomingPort: 993,
      incomingSecurity: 'tls',
      incomingAuthMethod: 'oauth2',
      incomingUsername: 'carol@ac-mail.test',
    },
  });
  expect(res.body.data.notes[0]).toBe(`Found in the autoconfig file at autoconfig.ac-mail.test:${web.port}.`);
  expect(web.requests.filter((r) => r.host === 'autoconfig.ac-mail.test')).toEqual([
    { host: 'autoconfig.ac-mail.test', path: '/mail/config-v1.1.xml', emailaddress: 'carol@ac-mail.test' },
  ]);
});

it('falls back to the domain\'s /.well-known autoconfig file', async () => {
  dns.set('wk-mail.test', { A: ['127.0.0.1'] });
  web.serve(
    'wk-mail.test',
    autoconfigXml('wk-mail.test', {
      incoming: [serverXml('incomingServer', { type: 'pop3', hostname: 'pop.wk-mail.test', port: 110, socketType: 'plain', authentication: ['password-cleartext'], username: '%EMAILADDRESS%' })],
      outgoing: [serverXml('outgoingServer', { type: 'smtp', hostname: 'smtp.wk-mail.test', port: 465, socketType: 'SSL', authentication: ['password-cleartext'], username: '%EMAILADDRESS%' })],
    })
  );
  const res = await detect('dan@wk-mail.test');
  expect(res.body.data).toMatchObject({
    source: 'autoconfig',
    settings: { smtpHost: 'smtp.wk-mail.test', smtpPort: 465, smtpSecurity: 'tls', smtpAuthMethod: 'password', incomingProtocol: 'pop3', incomingPort: 110, incomingSecurity: 'none' },
  });
  expect(res.body.data.notes).toContain('Autoconfig at autoconfig.wk-mail.test:' + web.port + ' failed: the host has no address.');
  // socketType plain: said before the admin types the password in.
  expect(res.body.data.notes).toContain('The proposed POP3 host pop.wk-mail.test connects without TLS: the password would cross the network in clear.');
  expect(res.body.data.notes.filter((n: string) => n.startsWith('The proposed SMTP host'))).toEqual([]);
});

it('warns when an autoconfig file proposes a host outside the address\'s domain and its MX hosts\' domains', async () => {
  // The web host serving the file is not the mail operator: its file names a third host.
  dns.set('webhosted.test', { MX: [{ exchange: 'mx1.mailops.example', priority: 10 }] });
  dns.set('autoconfig.webhosted.test', { A: ['127.0.0.1'] });
  web.serve(
    'autoconfig.webhosted.test',
    autoconfigXml('webhosted.test', {
      incoming: [serverXml('incomingServer', { type: 'imap', hostname: 'imap.mailops.example', port: 993, socketType: 'SSL', authentication: ['password-cleartext'], username: '%EMAILADDRESS%' })],
      outgoing: [serverXml('outgoingServer', { type: 'smtp', hostname: 'smtp.other.example', port: 587, socketType: 'STARTTLS', authentication: ['password-cleartext'], username: '%EMAILADDRESS%' })],
    })
  );
  const res = await detect('fay@webhosted.test');
  expect(res.body.data).toMatchObject({ source: 'autoconfig', settings: { smtpHost: 'smtp.other.example', incomingHost: 'imap.mailops.example' } });
  expect(res.body.data.notes).toEqual([
    `Found in the autoconfig file at autoconfig.webhosted.test:${web.port}.`,
    "The proposed SMTP host smtp.other.example is not under webhosted.test or its MX hosts' domains: make sure it is your provider's before you enter the mailbox password.",
  ]);
});

it('warns when SRV records point outside the address\'s domain', async () => {
  dns.set('srv-far.test', {});
  dns.set('_submissions._tcp.srv-far.test', { SRV: [{ priority: 0, weight: 0, port: 465, target: 'smtp.far-away.example' }] });
  const res = await detect('gus@srv-far.test');
  expect(res.body.data).toMatchObject({ source: 'srv', settings: { smtpHost: 'smtp.far-away.example', smtpSecurity: 'tls' } });
  expect(res.body.data.notes).toContain(
    "The proposed SMTP host smtp.far-away.example is not under srv-far.test: make sure it is your provider's before you enter the mailbox password."
  );
});

it('does not follow an autoconfig redirect to another host', async () => {
  dns.set('autoconfig.redirect.test', { A: ['127.0.0.1'] });
  dns.set('elsewhere.test', { A: ['127.0.0.1'] });
  web.serve('elsewhere.test', autoconfigXml('elsewhere.test', { incoming: [], outgoing: [serverXml('outgoingServer', { type: 'smtp', hostname: 'smtp.elsewhere.test', port: 587, socketType: 'STARTTLS', authentication: ['password-cleartext'], username: '%EMAILADDRESS%' })] }));
  web.redirect('autoconfig.redirect.test', `http://elsewhere.test:${web.port}/mail/config-v1.1.xml`);
  const res = await detect('eve@redirect.test');
  expect(res.body.data.source).toBeNull();
  expect(res.body.data.notes).toContain(`Autoconfig at autoconfig.redirect.test:${web.port}: redirected to another host (elsewhere.test:${web.port}), not followed.`);
  expect(web.requests.some((r) => r.host === 'elsewhere.test')).toBe(false);
});

it('proposes nothing from an autoconfig file whose hostnames are not hostnames', async () => {
  dns.set('autoconfig.junk.test', { A: ['127.0.0.1'] });
  web.serve(
    'autoconfig.junk.test',
    autoconfigXml('junk.test', {
      incoming: [serverXml('incomingServer', { type: 'imap', hostname: 'imap.junk.test; rm -rf', port: 993, socketType: 'SSL', authentication: ['password-cleartext'], username: '%EMAILADDRESS%' })],
      outgoing: [serverXml('outgoingServer', { type: 'smtp', hostname: 'smtp://junk.test:25', port: 587, socketType: 'STARTTLS', authentication: ['password-cleartext'], username: '%EMAILADDRESS%' })],
    })
  );
  const res = await detect('x@junk.test');
  expect(res.body.data).toMatchObject({ source: null, settings: {} });
  expect(res.body.data.notes).toContain(`The autoconfig file at autoconfig.junk.test:${web.port} names no server this plugin can use.`);
});

it('answers source null with a note when nothing is found', async () => {
  const res = await detect('someone@nothing.test');
  expect(res.status).toBe(200);
  expect(res.body.data.source).toBeNull();
  expect(res.body.data.settings).toEqual({});
  expect(res.body.data.notes[0]).toBe('No settings found for nothing.test: choose a provider or enter them by hand.');
});

it('answers within its bounds, with a note, when the DNS server never answers', async () => {
  dns.setSilent(true);
  try {
    const res = await detect('someone@silent.test');
    expect(res.status).toBe(200);
    expect(res.body.data.source).toBeNull();
    expect(res.body.data.notes[0]).toBe('No settings found for silent.test: choose a provider or enter them by hand.');
    expect(res.body.data.notes).toContain(`MX lookup for silent.test timed out after ${TIMEOUT_MS} ms.`);
  } finally {
    dns.setSilent(false);
  }
});

it('answers 400 on the email field for a bad address, a missing one or an unknown key', async () => {
  for (const body of [{ email: 'not-an-address' }, { email: 'a@b.test\r\nBcc: x@y.test' }, {}]) {
    const res = await app.as().post('/email-server/servers/detect').send(body);
    expect([JSON.stringify(body), res.status, res.body.error.details.errors.map((e: any) => e.path)]).toEqual([JSON.stringify(body), 400, [['email']]]);
  }
  const extra = await app.as().post('/email-server/servers/detect').send({ email: 'a@gmail.com', host: 'x' });
  expect(extra.status).toBe(400);
  expect(extra.body.error.details.errors.map((e: any) => e.path)).toEqual([['host']]);
});

it('needs servers.create (403 without it), and stores nothing', async () => {
  const others = ['read', 'update', 'delete', 'test', 'set-default'].map((a) => `plugin::email-server.servers.${a}`);
  const without = await createLimitedAdmin(app, others);
  expect((await detect('jane@gmail.com', without)).status).toBe(403);
  const creator = await createLimitedAdmin(app, ['plugin::email-server.servers.create']);
  expect((await detect('jane@gmail.com', creator)).status).toBe(200);
  expect((await app.http.post('/email-server/servers/detect').send({ email: 'jane@gmail.com' })).status).toBe(401);
  expect((await app.as().get('/email-server/servers')).body.data).toEqual([]);
});
