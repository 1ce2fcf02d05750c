import { readRawBody } from '../../utils/raw-body';

/**
 * Public routes, reached from outside the admin: no Strapi token, each checks its own proof
 * (SendGrid's signature, the unsubscribe link's HMAC).
 */
export default () => ({
  type: 'content-api',
  routes: [
    { method: 'POST', path: '/webhooks/sendgrid/:serverDocumentId', handler: 'public.sendgridWebhook', config: { auth: false, middlewares: [readRawBody] } },
    { method: 'GET', path: '/unsubscribe/:token', handler: 'public.unsubscribePage', config: { auth: false } },
    { method: 'POST', path: '/unsubscribe/:token', handler: 'public.unsubscribe', config: { auth: false } },
  ],
});
