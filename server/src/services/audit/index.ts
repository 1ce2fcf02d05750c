import activity from './activity';

/** Who changed what: events for Audit Logs and webhooks, and each server's recent activity. */
export default { activity };
