import type { Core } from '@strapi/strapi';
import { ACTION_GROUPS } from '../../shared/permissions';
import { getService } from './utils';

/** Settings → Roles lists the actions under "Plugins", one sub-category per group. */
const actionDefinitions = Object.entries(ACTION_GROUPS).flatMap(([subCategory, actions]) =>
  actions.map((action) => ({ ...action, section: 'plugins', subCategory, pluginName: 'email-server' }))
);

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(actionDefinitions);
  getService(strapi, 'email-provider').install();
  getService(strapi, 'changes').watch();
  await getService(strapi, 'read-state').backfill();
  getService(strapi, 'poller').start();
  getService(strapi, 'campaign-queue').start();
};

export default bootstrap;
