import type { Core } from '@strapi/strapi';
import type { ActivityEvent, ActivitySubject, ActivityUser } from '../../../../shared/contracts/activity';

export interface RecordInput {
  subject: ActivitySubject;
  details?: Record<string, unknown>;
  /** The admin user; taken from the request when absent. */
  user?: ActivityUser | null;
}

/**
 * Who changed what. CONTRACT STUB: emits on the event hub only; the audit helper keeps entries,
 * registers the webhook and Audit Logs events, and serves a server's recent activity.
 */
const activityService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async record(event: ActivityEvent, input: RecordInput): Promise<void> {
    const state = strapi.requestContext.get()?.state as { user?: any } | undefined;
    const admin = input.user !== undefined ? input.user : state?.user ? { id: state.user.id, email: state.user.email ?? null, name: null } : null;
    strapi.eventHub.emit(event, { user: admin, subject: input.subject, details: input.details ?? {} });
  },
});

export type ActivityService = ReturnType<typeof activityService>;
export default activityService;
