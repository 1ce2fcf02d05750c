import type { Core } from '@strapi/strapi';
import { getService } from './utils';

const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await Promise.all([
    getService(strapi, 'poller').stop(),
    getService(strapi, 'campaign-queue').stop(),
    getService(strapi, 'inbox-search').stop(),
    getService(strapi, 'inbox-customer').stop(),
  ]);
  getService(strapi, 'email-provider').uninstall();
  getService(strapi, 'transports').closeAll();
};

export default destroy;
