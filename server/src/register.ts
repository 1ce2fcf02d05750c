import type { Core } from '@strapi/strapi';
import { rawBodyMiddleware } from './utils/raw-body';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Before Strapi's own middlewares (added at bootstrap), so it sees bodies unparsed.
  strapi.server.use(rawBodyMiddleware(strapi));
};

export default register;
