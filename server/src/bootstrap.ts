import type { Core } from '@strapi/strapi';
import { ACTION_GROUPS } from '../../shared/permissions';
import { UIDS, getService } from './utils';
import { registerActivityEvents } from './services/audit/events';

/** Settings → Roles lists the actions under "Plugins", one sub-category per group. */
const actionDefinitions = Object.entries(ACTION_GROUPS).flatMap(([subCategory, actions]) =>
  actions.map((action) => ({ ...action, section: 'plugins', subCategory, pluginName: 'email-server' }))
);

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(actionDefinitions);
  registerActivityEvents(strapi);
  getService(strapi, 'email-provider').install();
  getService(strapi, 'changes').watch();
  await getService(strapi, 'read-state').backfill();
  // Before the poller stores anything: the index and the backfill's range are set up first.
  await getService(strapi, 'inbox-search').prepare();
  getService(strapi, 'inbox-customer').prepare();
  getService(strapi, 'poller').start();
  getService(strapi, 'inbox-search').start();
  getService(strapi, 'inbox-customer').start();
  // Agents' replies are indexed as they are stored, wherever that happens. A failure must not
  // fail the reply: the mail is already sent; the backfill indexes it later.
  strapi.db.lifecycles.subscribe({
    models: [UIDS.outbound],
    afterCreate: async (event: any) => {
      try {
        await getService(strapi, 'inbox-search').index([event.result]);
      } catch (error: any) {
        strapi.log.warn(`[email-server] A reply could not be added to the search index: ${error?.code ?? error?.message ?? error}`);
      }
    },
  });
  getService(strapi, 'campaign-queue').start();
};

export default bootstrap;
