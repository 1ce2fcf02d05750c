import type { Core } from '@strapi/strapi';
import getRawBody from 'raw-body';

/** Where the raw request body of the routes below is kept for their controllers. */
export const RAW_BODY = 'emailServerRawBody';

const ROUTES: Array<{ path: RegExp; type: (contentType: string) => boolean; limit: string }> = [
  // The webhook signature covers the exact bytes SendGrid sent: a re-serialised JSON would not match.
  { path: /^\/api\/email-server\/webhooks\/sendgrid\/[^/]+\/?$/, type: () => true, limit: '10mb' },
  // A 100,000-row CSV is several megabytes: more than Strapi's 56 kB limit for text bodies.
  { path: /^\/email-server\/campaigns\/[^/]+\/recipients\/?$/, type: (t) => /^text\/(csv|plain)\b/i.test(t), limit: '30mb' },
];

/**
 * Reads the raw body of the routes above before Strapi's body parser does, and hides it from
 * that parser (which would refuse a large CSV and loses the exact bytes of a webhook).
 * Registered in `register`, so it runs before Strapi's global middlewares.
 */
export const rawBodyMiddleware = (_strapi: Core.Strapi) => async (ctx: any, next: () => Promise<unknown>) => {
  if (ctx.method === 'POST') {
    const contentType = String(ctx.get('Content-Type') ?? '');
    const route = ROUTES.find((r) => r.path.test(ctx.path) && r.type(contentType));
    if (route) {
      try {
        ctx.state[RAW_BODY] = await getRawBody(ctx.req, { limit: route.limit, encoding: 'utf8' });
      } catch (error: any) {
        ctx.status = error?.status === 413 ? 413 : 400;
        ctx.body = {
          data: null,
          error: {
            status: ctx.status,
            name: ctx.status === 413 ? 'PayloadTooLargeError' : 'BadRequestError',
            message: ctx.status === 413 ? `The request body is larger than ${route.limit}.` : 'The request body could not be read.',
            details: {},
          },
        };
        return;
      }
      ctx.req.headers['content-type'] = 'application/octet-stream';
    }
  }
  return next();
};
