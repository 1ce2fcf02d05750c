import type { Core } from '@strapi/strapi';
import { ACTIVITY_EVENTS, webhookEventKey, type ActivitySubject } from '../../../../shared/contracts/activity';

interface EmittedActivity {
  subject: ActivitySubject;
  details: Record<string, unknown>;
}

/**
 * Audit Logs' standard shape for a plugin's event ({ resource, details, outcome }); the lifecycle
 * adds the action, date, actor (the admin user of the request) and origin itself.
 */
const auditShape = (event: EmittedActivity) => ({
  resource: { type: event.subject.type, id: event.subject.documentId, name: event.subject.name ?? null },
  details: event.details,
  ...(typeof event.details?.ok === 'boolean' ? { outcome: event.details.ok ? 'success' : 'failure' } : {}),
});

/**
 * Offers every activity event to Settings → Webhooks (the store refuses a webhook naming an
 * event it does not know) and, on Enterprise with Audit Logs, to Audit Logs. Called from
 * bootstrap, where both services exist.
 */
export const registerActivityEvents = (strapi: Core.Strapi) => {
  const webhookStore = strapi.get('webhookStore') as { addAllowedEvent(key: string, value: string): void };
  for (const event of Object.values(ACTIVITY_EVENTS)) webhookStore.addAllowedEvent(webhookEventKey(event), event);
  // Absent in CE, without the audit-logs license, or when disabled by config; get() throws for
  // services never added, so probe first (as Strapi's own plugins do).
  if (!strapi.has('audit-logs-lifecycle')) return;
  const auditLogs = strapi.get('audit-logs-lifecycle') as { registerEvent(name: string, transform: (event: EmittedActivity) => unknown): void };
  for (const event of Object.values(ACTIVITY_EVENTS)) auditLogs.registerEvent(event, auditShape);
};
