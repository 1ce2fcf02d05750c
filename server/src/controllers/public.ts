import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { escapeHtml } from '../utils/html';
import { getService } from '../utils';
import { PIXEL_GIF } from '../services/campaigns/tracking';
import type { Context, Next } from '../utils/context';
import { RAW_BODY } from '../utils/raw-body';

const WEBHOOK_SERVER = 'emailServerWebhookServer';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>` +
  `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.2rem}</style>` +
  `</head><body>${body}</body></html>`;

/** Nothing to show and nowhere to go: a link we did not make (or that was altered). */
const notFound = (ctx: Context) => {
  ctx.status = 404;
  ctx.type = 'text/plain';
  ctx.body = 'Not found.';
};

/** Routes reached from outside the admin: SendGrid's Event Webhook, unsubscribe and tracking links. */
const publicController = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** Route middleware before the body is read: see the `admit` step of sendgrid-events. */
  async admitSendgridWebhook(ctx: Context, next: Next) {
    ctx.state[WEBHOOK_SERVER] = await getService(strapi, 'sendgrid-events').admit({
      serverDocumentId: ctx.params.serverDocumentId,
      signature: ctx.get('X-Twilio-Email-Event-Webhook-Signature') || undefined,
      timestamp: ctx.get('X-Twilio-Email-Event-Webhook-Timestamp') || undefined,
    });
    return next();
  },

  async sendgridWebhook(ctx: Context) {
    const raw = ctx.state[RAW_BODY] as string | undefined;
    const server = ctx.state[WEBHOOK_SERVER];
    // Unsigned posts are not even read (see utils/raw-body.ts).
    if (raw === undefined || !server) throw new errors.UnauthorizedError('The request is not signed.');
    await getService(strapi, 'sendgrid-events').handle(server, {
      serverDocumentId: ctx.params.serverDocumentId,
      rawBody: raw,
      signature: ctx.get('X-Twilio-Email-Event-Webhook-Signature') || undefined,
      timestamp: ctx.get('X-Twilio-Email-Event-Webhook-Timestamp') || undefined,
    });
    ctx.status = 204;
  },

  /** A confirm page: GET never unsubscribes, since mail scanners follow links. */
  async unsubscribePage(ctx: Context) {
    const target = getService(strapi, 'unsubscribe').verify(ctx.params.token);
    ctx.type = 'html';
    if (!target) {
      ctx.status = 400;
      ctx.body = page('Invalid link', '<h1>This unsubscribe link is not valid.</h1><p>It may have been cut off by your mail program.</p>');
      return;
    }
    ctx.body = page(
      'Unsubscribe',
      `<h1>Unsubscribe</h1><p>Stop sending campaign emails to <strong>${escapeHtml(target.email)}</strong>?</p>` +
        `<form method="post"><button type="submit">Unsubscribe</button></form>`
    );
  },

  /** RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" here. */
  async unsubscribe(ctx: Context) {
    const service = getService(strapi, 'unsubscribe');
    const target = service.verify(ctx.params.token);
    ctx.type = 'html';
    if (!target) {
      ctx.status = 400;
      ctx.body = page('Invalid link', '<h1>This unsubscribe link is not valid.</h1>');
      return;
    }
    await service.apply(target);
    ctx.body = page('Unsubscribed', `<h1>You are unsubscribed.</h1><p>${escapeHtml(target.email)} will not receive these campaigns any more.</p>`);
  },

  /** A tracked link: to the campaign's own link the token names, never anywhere else. */
  async trackClick(ctx: Context) {
    const url = await getService(strapi, 'tracking').click(ctx.params.token, ctx.params.index);
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (!url) return notFound(ctx);
    ctx.redirect(url);
  },

  /** The open pixel: counted once per recipient, never cached, so a later open still asks. */
  async trackOpen(ctx: Context) {
    const counted = await getService(strapi, 'tracking').open(ctx.params.token);
    ctx.set('Cache-Control', 'no-store');
    if (!counted) return notFound(ctx);
    ctx.type = 'image/gif';
    ctx.body = PIXEL_GIF;
  },
});

export default publicController;
