import type { Core } from '@strapi/strapi';
import { rawBodyMiddleware } from './utils/raw-body';
import { multipartMiddleware } from './utils/multipart';

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  // Before Strapi's own middlewares (added at bootstrap), so it sees bodies unparsed.
  strapi.server.use(rawBodyMiddleware(strapi));
  strapi.server.use(multipartMiddleware(strapi));
};

export default register;
