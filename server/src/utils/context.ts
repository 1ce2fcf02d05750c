import type { Core } from '@strapi/strapi';

/** The Koa context Strapi hands a controller, named through Strapi's own controller type. */
export type Context = Parameters<Core.ControllerHandler>[0];
export type Next = Parameters<Core.ControllerHandler>[1];
