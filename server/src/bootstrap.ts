import type { Core } from '@strapi/strapi';
import { actionDefinitions } from './permissions';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  await strapi.service('admin::permission').actionProvider.registerMany(actionDefinitions);
};

export default bootstrap;
