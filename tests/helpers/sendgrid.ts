/**
 * Campaigns through the loopback SendGrid stand-in: a Strapi that talks to a fresh one, server
 * bodies for it, and Event Webhook posts signed the way SendGrid signs them (ECDSA P-256 over
 * timestamp + raw body).
 */
import crypto from 'node:crypto';
import { bootStrapi, type TestApp } from './strapi';
import { startFakeSendgrid, type FakeSendgrid } from './fake-sendgrid';

/**
 * A fresh stand-in that takes `token` for mail.send, and a Strapi whose campaign queue ticks fast
 * and sends to it. `env` adds to or (with undefined) removes from the defaults.
 */
export const bootWithFakeSendgrid = async (token: string, env: Record<string, string | undefined> = {}): Promise<{ app: TestApp; fake: FakeSendgrid }> => {
  const fake = await startFakeSendgrid();
  fake.tokens.set(token, ['mail.send']);
  try {
    const app = await bootStrapi({
      EMAIL_SERVER_SENDGRID_API_URL: fake.url,
      EMAIL_SERVER_CAMPAIGN_TICK_MS: '100',
      EMAIL_SERVER_CAMPAIGN_RETRY_MS: '200',
      EMAIL_SERVER_PUBLIC_URL: 'https://cms.example.com',
      ...env,
    });
    return { app, fake };
  } catch (error) {
    await fake.stop();
    throw error;
  }
};

/** The body of a SendGrid server sending with `token`, fast enough never to wait on its own limit. */
export const sendgridRelay = (name: string, token: string, overrides: Record<string, unknown> = {}) => ({
  name,
  type: 'sendgrid',
  senderEmail: 'news@example.com',
  apiToken: token,
  rateLimitPerSecond: 100_000,
  ...overrides,
});

/** A key pair as SendGrid makes one, with the verification key it shows: the SPKI DER public key in base64. */
export const webhookKeyPair = () => {
  const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { ...pair, verificationKey: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
};

/** SendGrid's timestamp header: seconds since the epoch. */
export const webhookNow = () => String(Math.floor(Date.now() / 1000));

export const signWebhook = (body: string, timestamp: string, key: crypto.KeyObject) =>
  crypto.sign('sha256', Buffer.from(timestamp + body, 'utf8'), key).toString('base64');

/** The two headers of a post signed with `key`. */
export const signedWebhookHeaders = (body: string, key: crypto.KeyObject, timestamp = webhookNow()) => ({
  'X-Twilio-Email-Event-Webhook-Signature': signWebhook(body, timestamp, key),
  'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
});

/** A post of exactly these bytes to the public webhook route of a server. */
export const postWebhook = (app: TestApp, serverId: string, body: string, headers: Record<string, string> = {}) =>
  app.http.post(`/api/email-server/webhooks/sendgrid/${serverId}`).set('Content-Type', 'application/json').set(headers).send(body);
