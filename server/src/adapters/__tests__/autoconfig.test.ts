/**
 * The autoconfig adapter against the loopback DNS and HTTP stand-ins: private addresses refused
 * when asked, bodies capped, and the XML read as Thunderbird reads it.
 */
import { autoconfigXml, serverXml, startAutoconfigServer, type FakeAutoconfig } from '../../../../tests/helpers/autoconfig-server';
import { startDnsServer, type FakeDns } from '../../../../tests/helpers/dns-server';
import { AUTOCONFIG_MAX_BYTES, fetchAutoconfig, parseAutoconfig } from '../autoconfig';
import { createMailResolver } from '../mail-dns';

let dns: FakeDns;
let web: FakeAutoconfig;
beforeAll(async () => {
  dns = await startDnsServer({ 'autoconfig.unit.test': { A: ['127.0.0.1'] } });
  web = await startAutoconfigServer();
});
afterAll(async () => {
  await dns?.stop();
  await web?.stop();
});

const xml = autoconfigXml('unit.test', {
  incoming: [
    serverXml('incomingServer', { type: 'imap', hostname: 'imap.unit.test', port: 143, socketType: 'STARTTLS', authentication: ['GSSAPI'], username: '%EMAILADDRESS%' }),
    serverXml('incomingServer', { type: 'pop3', hostname: 'pop.unit.test', port: 995, socketType: 'SSL', authentication: ['password-cleartext'], username: '%EMAILLOCALPART%' }),
  ],
  outgoing: [serverXml('outgoingServer', { type: 'smtp', hostname: 'SMTP.unit.test.', port: 465, socketType: 'SSL', authentication: ['password-encrypted'], username: '%EMAILADDRESS%' })],
});
const url = () => `http://autoconfig.unit.test:${web.port}/mail/config-v1.1.xml`;

it('fetches through the configured resolver, and refuses a private address when blockPrivateNetworks is on', async () => {
  web.serve('autoconfig.unit.test', xml);
  const resolver = createMailResolver({ servers: [dns.address], timeoutMs: 2000 });
  try {
    expect(await fetchAutoconfig(url(), { lookup: resolver.httpLookup(false), timeoutMs: 2000 })).toBe(xml);
    const before = web.requests.length;
    await expect(fetchAutoconfig(url(), { lookup: resolver.httpLookup(true), timeoutMs: 2000 })).rejects.toThrow(
      'autoconfig.unit.test resolves to a loopback, link-local or private address'
    );
    await expect(fetchAutoconfig(`http://127.0.0.1:${web.port}/mail/config-v1.1.xml`, { lookup: resolver.httpLookup(true), blockPrivate: true, timeoutMs: 2000 })).rejects.toThrow(
      'resolves to a loopback, link-local or private address'
    );
    expect(web.requests.length).toBe(before);
  } finally {
    resolver.cancel();
  }
});

it(`stops reading a body over ${AUTOCONFIG_MAX_BYTES} bytes`, async () => {
  web.serve('autoconfig.unit.test', `<clientConfig>${' '.repeat(AUTOCONFIG_MAX_BYTES)}</clientConfig>`);
  const resolver = createMailResolver({ servers: [dns.address], timeoutMs: 2000 });
  try {
    await expect(fetchAutoconfig(url(), { lookup: resolver.httpLookup(false), timeoutMs: 2000 })).rejects.toThrow(`answered with more than ${AUTOCONFIG_MAX_BYTES} bytes.`);
  } finally {
    resolver.cancel();
  }
});

it('skips servers whose only authentication it cannot do, and fills the username placeholders', () => {
  expect(parseAutoconfig(xml, 'zoe@unit.test')).toEqual({
    outgoing: { protocol: 'smtp', host: 'smtp.unit.test', port: 465, security: 'tls', authMethod: 'password', username: 'zoe@unit.test' },
    incoming: { protocol: 'pop3', host: 'pop.unit.test', port: 995, security: 'tls', authMethod: 'password', username: 'zoe' },
  });
});

it('answers null for a file that is not an autoconfig file or names no usable server', () => {
  expect(parseAutoconfig('<html><body>Not found</body></html>', 'a@unit.test')).toBeNull();
  expect(parseAutoconfig(autoconfigXml('unit.test', { incoming: [], outgoing: [] }), 'a@unit.test')).toBeNull();
  const badPort = autoconfigXml('unit.test', {
    incoming: [],
    outgoing: [serverXml('outgoingServer', { type: 'smtp', hostname: 'smtp.unit.test', port: 70000, socketType: 'SSL', authentication: ['password-cleartext'], username: '%EMAILADDRESS%' })],
  });
  expect(parseAutoconfig(badPort, 'a@unit.test')).toBeNull();
});
