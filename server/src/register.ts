import type { Core } from '@strapi/strapi';

// Nothing needs registering before the database is up yet.
const register = (_: { strapi: Core.Strapi }) => {};

export default register;
