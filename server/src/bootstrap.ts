import type { Core } from '@strapi/strapi';
import { actionDefinitions } from './permissions';
import { getService } from './utils';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(actionDefinitions);
  getService(strapi, 'email-provider').install();
  getService(strapi, 'poller').start();
  getService(strapi, 'campaign-queue').start();
};

export default bootstrap;
