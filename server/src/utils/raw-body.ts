import type { Core } from '@strapi/strapi';
import getRawBody from 'raw-body';
import type { Context, Next } from './context';

/** Where the raw request body of the routes below is kept for their controllers. */
export const RAW_BODY = 'emailServerRawBody';
const PENDING = 'emailServerRawBodyLimit';
/** The content type the client sent, before it was hidden from Strapi's body parser. */
export const RAW_BODY_TYPE = 'emailServerRawBodyType';

const routes = (strapi: Core.Strapi) => {
  const apiPrefix = String(strapi.config.get('api.rest.prefix') ?? '/api').replace(/\/+$/, '');
  const escaped = apiPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [
    // The webhook signature covers the exact bytes SendGrid sent: a re-serialised JSON would not
    // match. Unsigned posts are refused by the route without being read.
    {
      path: new RegExp(`^${escaped}/email-server/webhooks/sendgrid/[^/]+/?$`, 'i'),
      // Every post, signed or not, so Strapi's parser never reads an unsigned one: the route's
      // admit step refuses it unread.
      accepts: () => true,
      // SendGrid posts batches of at most 768 kB.
      limit: '1mb',
    },
    // A 100,000-recipient list is several megabytes: more than Strapi's limits for text (56 kB)
    // and JSON (1 MB) bodies.
    {
      path: /^\/email-server\/campaigns\/[^/]+\/recipients\/?$/i,
      accepts: (ctx: Context) => /^(text\/(csv|plain)|application\/json)\b/i.test(String(ctx.get('Content-Type') ?? '')),
      limit: '30mb',
    },
  ];
};

/**
 * Keeps the bodies of the routes above away from Strapi's body parser (which refuses a large CSV
 * and loses the exact bytes of a webhook) by marking them, without reading anything: registered
 * in `register`, this runs before authentication. The route's own middleware, `readRawBody`,
 * reads the body after the route's authentication and policies passed.
 */
export const rawBodyMiddleware = (strapi: Core.Strapi) => {
  let table: ReturnType<typeof routes> | null = null;
  return async (ctx: Context, next: Next) => {
    if (ctx.method === 'POST') {
      table ??= routes(strapi);
      const route = table.find((r) => r.path.test(ctx.path) && r.accepts(ctx));
      if (route) {
        ctx.state[PENDING] = route.limit;
        ctx.state[RAW_BODY_TYPE] = String(ctx.get('Content-Type') ?? '');
        ctx.req.headers['content-type'] = 'application/octet-stream';
      }
    }
    return next();
  };
};

/** Route middleware: reads a body `rawBodyMiddleware` set aside, within its size limit. */
export const readRawBody = async (ctx: Context, next: Next) => {
  const limit = ctx.state[PENDING] as string | undefined;
  if (limit) {
    try {
      ctx.state[RAW_BODY] = await getRawBody(ctx.req, { limit, encoding: 'utf8' });
    } catch (error: any) {
      const tooLarge = error?.status === 413;
      ctx.status = tooLarge ? 413 : 400;
      ctx.body = {
        data: null,
        error: {
          status: ctx.status,
          name: tooLarge ? 'PayloadTooLargeError' : 'BadRequestError',
          message: tooLarge ? `The request body is larger than ${limit}.` : 'The request body could not be read.',
          details: {},
        },
      };
      return undefined;
    }
  }
  return next();
};
