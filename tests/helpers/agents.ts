/** Admin users with a chosen set of inbox actions, as the agents of the inbox tests. */
import type { TestApp } from './strapi';
import { createLimitedAdmin } from './strapi';

export const INBOX = {
  read: 'plugin::email-server.inbox.read',
  reply: 'plugin::email-server.inbox.reply',
  assign: 'plugin::email-server.inbox.assign',
  manage: 'plugin::email-server.inbox.manage',
} as const;

export interface TestAgent {
  id: number;
  email: string;
  name: string;
  http: ReturnType<TestApp['as']>;
}

/** An admin whose only role has `actions`, with their id as Strapi's own `/admin/users/me` tells it. */
export const createAgent = async (app: TestApp, actions: string[]): Promise<TestAgent> => {
  const token = await createLimitedAdmin(app, actions);
  const me = await app.http.get('/admin/users/me').set('Authorization', `Bearer ${token}`);
  if (me.status !== 200) throw new Error(`users/me failed: ${me.text}`);
  const { id, email, firstname, lastname } = me.body.data;
  return { id, email, name: `${firstname} ${lastname}`, http: app.as(token) };
};

/** The super admin registered at boot, as an agent. */
export const superAdmin = async (app: TestApp): Promise<TestAgent> => {
  const me = await app.as().get('/admin/users/me');
  const { id, email, firstname, lastname } = me.body.data;
  return { id, email, name: `${firstname} ${lastname}`, http: app.as() };
};
