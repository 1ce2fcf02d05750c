import type { Core } from '@strapi/strapi';
import { getService } from './utils';

const destroy = ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'email-provider').uninstall();
  getService(strapi, 'transports').closeAll();
};

export default destroy;
