/**
 * Who changed what: the events the plugin emits on Strapi's event hub (so Audit Logs can record
 * them), offers as webhook events (Settings → Webhooks) and keeps as a server's recent activity.
 * Imports nothing, so it bundles anywhere.
 */
export const ACTIVITY_EVENTS = {
  serverCreate: 'email-server.server.create',
  serverUpdate: 'email-server.server.update',
  serverDelete: 'email-server.server.delete',
  serverTest: 'email-server.server.test',
  serverSetDefault: 'email-server.server.set-default',
  serverConnect: 'email-server.server.connect',
  serverDisconnect: 'email-server.server.disconnect',
  campaignSend: 'email-server.campaign.send',
  campaignSchedule: 'email-server.campaign.schedule',
  campaignPause: 'email-server.campaign.pause',
  campaignResume: 'email-server.campaign.resume',
  campaignCancel: 'email-server.campaign.cancel',
  suppressionCreate: 'email-server.suppression.create',
  suppressionDelete: 'email-server.suppression.delete',
} as const;
export type ActivityEvent = (typeof ACTIVITY_EVENTS)[keyof typeof ACTIVITY_EVENTS];

export type ActivitySubjectType = 'server' | 'campaign' | 'suppression';

/** What an event is about. */
export interface ActivitySubject {
  type: ActivitySubjectType;
  documentId: string;
  /** The server's or campaign's name, the suppressed address. */
  name?: string | null;
}

/** The admin user who did it, as the event carries it; null for the system (a scheduled send). */
export interface ActivityUser {
  id: number;
  email: string | null;
  name: string | null;
}

/** One entry of GET /email-server/servers/:documentId/activity. */
export interface ActivityEntry {
  id: number;
  event: ActivityEvent;
  subject: ActivitySubject;
  user: ActivityUser | null;
  /**
   * What the event says beyond its name: `changed` (field names, never secret values) on an
   * update, `ok` and `message` on a test, `account` on a connect, `to` on a test email...
   */
  details: Record<string, unknown>;
  createdAt: string;
}

/** GET /email-server/servers/:documentId/activity?before=<id>: newest first, a page at a time. */
export interface ActivityPage {
  data: ActivityEntry[];
  /** Pass as `before` for the next (older) page; null: this was the last. */
  meta: { nextBefore: number | null };
}

/** How many entries one page of a server's activity holds. */
export const ACTIVITY_PAGE_SIZE = 30;

/** The webhook store's key for an event: `email-server.server.create` → `EMAIL_SERVER_SERVER_CREATE`. */
export const webhookEventKey = (event: ActivityEvent) => event.replace(/[.-]/g, '_').toUpperCase();
