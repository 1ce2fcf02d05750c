import type { Core } from '@strapi/strapi';
import type { Context, Next } from '../../utils/context';
import { readRawBody } from '../../utils/raw-body';

declare const strapi: Core.Strapi;

// Route middlewares are plain Koa functions: this one hands over to the controller's check.
const admitSendgridWebhook = (ctx: Context, next: Next) =>
  (strapi.plugin('email-server').controller('public') as any).admitSendgridWebhook(ctx, next);

/**
 * Public routes, reached from outside the admin: no Strapi token, each checks its own proof
 * (SendGrid's signature, the unsubscribe and tracking links' HMAC).
 */
export default () => ({
  type: 'content-api',
  routes: [
    {
      method: 'POST',
      path: '/webhooks/sendgrid/:serverDocumentId',
      handler: 'public.sendgridWebhook',
      // The server, its key and the signature's timestamp are checked before the body is read.
      config: { auth: false, middlewares: [admitSendgridWebhook, readRawBody] },
    },
    { method: 'GET', path: '/unsubscribe/:token', handler: 'public.unsubscribePage', config: { auth: false } },
    { method: 'POST', path: '/unsubscribe/:token', handler: 'public.unsubscribe', config: { auth: false } },
    { method: 'GET', path: '/t/c/:token/:index', handler: 'public.trackClick', config: { auth: false } },
    // Without an index: a link cut short, the same plain 404 as any bad link.
    { method: 'GET', path: '/t/c/:token', handler: 'public.trackClick', config: { auth: false } },
    { method: 'GET', path: '/t/o/:token', handler: 'public.trackOpen', config: { auth: false } },
  ],
});
