/**
 * The incoming adapters log in with an OAuth2 access token (no Strapi here): IMAP through
 * imapflow's OAUTHBEARER / XOAUTH2, POP3 through our client's AUTH XOAUTH2, against a real
 * Dovecot whose oauth2 passdb asks the loopback OAuth2 server about every token. Tokens are
 * obtained as a browser would (authorize with PKCE, code from the redirect, token endpoint).
 */
import { verifyIncoming, type IncomingConfig } from '../../server/src/adapters/incoming';
import { fetchImap, fetchPop3, type FetchOptions, type RawMail } from '../../server/src/adapters/fetch-mailbox';
import { startDovecot, MAILBOX_PASSWORD, type Dovecot } from '../helpers/dovecot';
import { startOAuthServer, type FakeOAuth } from '../helpers/oauth-server';
import { tokensFor } from '../helpers/oauth-token';
import { mail } from '../helpers/mails';

let oauth: FakeOAuth;
let dovecot: Dovecot;

beforeAll(async () => {
  oauth = await startOAuthServer();
  dovecot = await startDovecot({ oauth: { introspectionUrl: oauth.introspectionUrl } });
}, 60_000);
afterAll(async () => {
  await dovecot?.stop();
  await oauth?.stop();
});

const options: FetchOptions = {
  afterFetch: 'keep',
  initialSyncDays: 30,
  initialSyncMax: 100,
  maxMessageBytes: 10 * 1024 * 1024,
  batchSize: 10,
  maxBatchBytes: 50 * 1024 * 1024,
  timeoutMs: 10_000,
};

const config = (d: Dovecot, protocol: 'imap' | 'pop3', username: string, accessToken: string): IncomingConfig => ({
  protocol,
  host: '127.0.0.1',
  port: protocol === 'imap' ? d.ports.imap : d.ports.pop3,
  security: 'none',
  rejectUnauthorized: true,
  auth: { username, accessToken },
});

/** A fresh mailbox whose owner is the account the OAuth2 server signs in as, with a live token. */
const connectedMailbox = async () => {
  const box = dovecot.newMailbox();
  oauth.account.email = box;
  const { accessToken } = await tokensFor(oauth);
  return { box, accessToken };
};

const subjectsOf = (mails: RawMail[]) => mails.map((m) => /^Subject: (.*)$/m.exec(m.source.toString('utf8'))?.[1]);

it('IMAP logs in with a live token (OAUTHBEARER) and fetches the mailbox Dovecot holds', async () => {
  const { box, accessToken } = await connectedMailbox();
  dovecot.deliver(mail({ subject: 'Token one' }), box);
  dovecot.deliver(mail({ subject: 'Token two' }), box);
  expect(dovecot.subjectsInMailbox(box)).toEqual(['Token one', 'Token two']);

  const check = await verifyIncoming(config(dovecot, 'imap', box, accessToken));
  expect(check).toMatchObject({ ok: true });
  expect(check.message).toContain('INBOX has 2 messages');
  const stored: RawMail[] = [];
  const { fetched } = await fetchImap(config(dovecot, 'imap', box, accessToken), null, options, async (batch) => {
    stored.push(...batch);
  });
  expect(fetched).toBe(2);
  expect(subjectsOf(stored)).toEqual(['Token one', 'Token two']);
  expect(dovecot.loginMethods(box)).toEqual(['OAUTHBEARER', 'OAUTHBEARER']);
});

it('IMAP with an expired token is refused as a failed login, and the token appears nowhere', async () => {
  const { box, accessToken } = await connectedMailbox();
  oauth.expireAccessTokens();
  expect(oauth.isActive(accessToken)).toBe(false);
  const check = await verifyIncoming(config(dovecot, 'imap', box, accessToken));
  expect(check.ok).toBe(false);
  expect(check.message).toMatch(/^IMAP: Authentication failed on 127\.0\.0\.1:\d+: the OAuth2 access token/);
  expect(check.message).not.toContain(accessToken);
  const error = await fetchImap(config(dovecot, 'imap', box, accessToken), null, options, async () => undefined).catch((e) => e);
  expect(error.authenticationFailed).toBe(true);
  expect(JSON.stringify({ message: error.message, response: error.response })).not.toContain(accessToken);
  expect(dovecot.loginMethods(box)).toEqual([]);
});

it('POP3 logs in with AUTH XOAUTH2 and a live token and fetches what Dovecot holds', async () => {
  const { box, accessToken } = await connectedMailbox();
  for (const subject of ['Pop token a', 'Pop token b', 'Pop token c']) dovecot.deliver(mail({ subject }), box);
  expect(dovecot.messages(box)).toHaveLength(3);

  expect(await verifyIncoming(config(dovecot, 'pop3', box, accessToken))).toMatchObject({ ok: true });
  const stored: RawMail[] = [];
  const { fetched } = await fetchPop3(
    config(dovecot, 'pop3', box, accessToken),
    true,
    options,
    async () => ({ handled: new Set(), skipped: new Set() }),
    async (batch) => {
      stored.push(...batch);
    }
  );
  expect(fetched).toBe(3);
  expect(subjectsOf(stored)).toEqual(['Pop token a', 'Pop token b', 'Pop token c']);
  expect(dovecot.loginMethods(box)).toEqual(['XOAUTH2', 'XOAUTH2']);
});

it('POP3 with an expired token gets the error challenge, answers it, and fails as a login, without the token', async () => {
  const { box, accessToken } = await connectedMailbox();
  oauth.expireAccessTokens();
  const check = await verifyIncoming(config(dovecot, 'pop3', box, accessToken), 20_000);
  expect(check.ok).toBe(false);
  // Not a timeout: the client sent the empty line the challenge asks for and read the -ERR.
  expect(check.message).toMatch(/^POP3: Authentication failed on 127\.0\.0\.1:\d+: the OAuth2 access token/);
  expect(check.message).not.toContain(accessToken);
  expect(dovecot.loginMethods(box)).toEqual([]);
});

it('a token for another account does not open this mailbox', async () => {
  const { accessToken } = await connectedMailbox();
  const other = dovecot.newMailbox();
  for (const protocol of ['imap', 'pop3'] as const) {
    const check = await verifyIncoming(config(dovecot, protocol, other, accessToken));
    expect(check.ok).toBe(false);
    expect(check.message).toContain('Authentication failed');
  }
  expect(dovecot.loginMethods(other)).toEqual([]);
});

it('passwords still log in beside the oauth2 passdb', async () => {
  const box = dovecot.newMailbox();
  const check = await verifyIncoming({ ...config(dovecot, 'pop3', box, ''), auth: { username: box, password: MAILBOX_PASSWORD } });
  expect(check.ok).toBe(true);
  expect(dovecot.loginMethods(box)).toEqual(['PLAIN']);
});

it('IMAP falls back to XOAUTH2 on a server that offers only that', async () => {
  const xoauth2Only = await startDovecot({ oauth: { introspectionUrl: oauth.introspectionUrl, mechanisms: ['xoauth2'] } });
  try {
    const box = xoauth2Only.newMailbox();
    oauth.account.email = box;
    const { accessToken } = await tokensFor(oauth);
    xoauth2Only.deliver(mail({ subject: 'Only xoauth2' }), box);
    const check = await verifyIncoming(config(xoauth2Only, 'imap', box, accessToken));
    expect(check).toMatchObject({ ok: true });
    expect(check.message).toContain('INBOX has 1 messages');
    expect(xoauth2Only.loginMethods(box)).toEqual(['XOAUTH2']);
  } finally {
    await xoauth2Only.stop();
  }
});
