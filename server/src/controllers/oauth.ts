import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { OAuthCallback } from '../../../shared/contracts/oauth';
import { oauthCallbackSchema, oauthStartSchema } from '../../../shared/validation/oauth';
import { ACTIONS } from '../../../shared/permissions';
import { getService } from '../utils';
import type { Context } from '../utils/context';
import { validate } from '../utils/validate';

/** "Connect account": the OAuth2 authorization-code flow of an email server (shared/contracts/oauth.ts). */
const oauthController = ({ strapi }: { strapi: Core.Strapi }) => {
  const oauth = () => getService(strapi, 'oauth');
  const servers = () => getService(strapi, 'servers');
  const adminId = (ctx: Context) => {
    const id = ctx.state?.user?.id;
    if (typeof id !== 'number') throw new errors.UnauthorizedError('Log in to the admin panel first.');
    return id;
  };
  /** Whether this admin may change how the default server logs in (its account is everyone's mail). */
  const maySetDefault = (ctx: Context) => Boolean(ctx.state?.userAbility?.can(ACTIONS.serversSetDefault));

  return {
    async start(ctx: Context) {
      await validate(oauthStartSchema, ctx.request.body ?? {});
      const server = await servers().getOrThrow(ctx.params.documentId);
      ctx.body = { data: await oauth().start(server, adminId(ctx), maySetDefault(ctx)) };
    },

    async callback(ctx: Context) {
      const input = await validate<OAuthCallback>(oauthCallbackSchema, ctx.request.body);
      const server = await oauth().callback(adminId(ctx), input, maySetDefault(ctx));
      ctx.body = { data: servers().toPublic(server) };
    },

    async disconnect(ctx: Context) {
      await validate(oauthStartSchema, ctx.request.body ?? {});
      const server = await servers().getOrThrow(ctx.params.documentId);
      ctx.body = { data: servers().toPublic(await oauth().disconnect(server, maySetDefault(ctx))) };
    },

    async redirectUri(ctx: Context) {
      ctx.body = { data: { redirectUri: oauth().redirectUri() } };
    },
  };
};

export default oauthController;
