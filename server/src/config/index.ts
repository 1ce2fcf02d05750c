export interface PluginConfig {
  /** Key material for encrypting secrets when Strapi has no ENCRYPTION_KEY; defaults to the first APP_KEY. */
  encryptionKey?: string;
  /**
   * Refuse SMTP, IMAP and POP3 hosts that resolve to loopback, link-local or private addresses,
   * so people with server rights cannot reach services inside Strapi's own network.
   */
  blockPrivateNetworks: boolean;
  smtp: {
    /** Connections per server's pool, and messages per connection before it is renewed. */
    maxConnections: number;
    maxMessages: number;
    connectionTimeoutMs: number;
    socketTimeoutMs: number;
    /**
     * How often the pool sends a message again on a new connection when its connection dropped
     * mid-send. Kept low: the campaign queue retries with its own backoff and attempt count.
     */
    maxRequeues: number;
  };
  sendgrid: {
    /** https://api.sendgrid.com; SendGrid's EU region uses https://api.eu.sendgrid.com. */
    apiBaseUrl: string;
    timeoutMs: number;
  };
  /** Time limit of one "Test connection" per protocol. */
  verifyTimeoutMs: number;
  incoming: {
    /** Poll servers at all (turn off on instances that should only serve requests). */
    polling: boolean;
    /** How often the poller looks for servers that are due. */
    tickMs: number;
    /** How long a poll may hold a server before another instance may take it over. */
    leaseMs: number;
    batchSize: number;
    /** A batch also stops at this many bytes. */
    maxBatchBytes: number;
    /** Mails above this size are stored with their headers only. */
    maxMessageBytes: number;
    /** A larger HTML part is not kept (sanitising it would hold the poller): the text is. */
    maxHtmlBytes: number;
    /** The first sync of a mailbox imports the last N days, at most M mails. */
    initialSyncDays: number;
    initialSyncMax: number;
    /** Failed logins in a row before polling pauses and the server needs attention. */
    maxAuthFailures: number;
    /** Ceiling of the back-off after connection errors. */
    maxBackoffSeconds: number;
    timeoutMs: number;
  };
  inbox: {
    /** Total size of the files of one reply; larger uploads are refused before they are read. */
    maxAttachmentBytes: number;
    /**
     * Content types whose entries are the customers: the conversation shows the sender's
     * entries. Default: users-permissions' user, when that plugin is installed.
     */
    contactSources?: Array<{ uid: string; emailField?: string }>;
  };
  campaigns: {
    /** Run the campaign queue at all (turn off on instances that should only serve requests). */
    sending: boolean;
    /** How often the queue looks for campaigns to start or continue. */
    tickMs: number;
    /** Recipients claimed at once per instance (SMTP); the bound on duplicates after a crash. */
    claimBatch: number;
    /** How long a claimed recipient stays with its worker before another may take it. */
    leaseMs: number;
    /** Attempts per recipient before a transient failure becomes final. */
    maxAttempts: number;
    /** First retry after this long, doubling each attempt. */
    retryBaseMs: number;
    maxRetryDelayMs: number;
    /** Consecutive failures of a server, without one success, before its campaigns pause. */
    pauseAfterFailures: number;
    /** The public URL of this Strapi, for unsubscribe links; `server.url` when absent. */
    publicUrl?: string;
    /** Oldest SendGrid webhook timestamp accepted: older posts are taken for replays. */
    webhookMaxAgeSeconds: number;
    /** Soft bounces (4.x.x) of an address within 30 days before it is suppressed. */
    softBounceLimit: number;
  };
  oauth: {
    /**
     * The redirect URL registered with the provider; default `<admin URL>/settings/email-server/oauth/callback`
     * (from `server.url` and `admin.url`).
     */
    redirectUri?: string;
    /** How long a Connect may take from the redirect to the callback; its state is single-use. */
    stateTtlSeconds: number;
    /** Access tokens are refreshed when they have less than this left. */
    refreshMarginSeconds: number;
    timeoutMs: number;
    /** Other endpoints for the built-in providers (national clouds, tests): { microsoft: { authorizeUrl, tokenUrl } }. */
    endpoints?: Partial<Record<'google' | 'microsoft', { authorizeUrl?: string; tokenUrl?: string; userinfoUrl?: string }>>;
  };
  audit: {
    /** Activity entries (email_activities) older than this are deleted, hourly. */
    retentionDays: number;
  };
  detect: {
    /** DNS servers for "Detect settings" ('127.0.0.1:5353'); the system's when empty. */
    dnsServers: string[];
    /** Each lookup (DNS query, autoconfig request) gives up after this long. */
    timeoutMs: number;
    /** The whole detect answers within this long, with what it found so far. */
    totalTimeoutMs: number;
    /**
     * Where the Thunderbird autoconfig file is looked for, in order; `{domain}` and `{email}` are
     * filled in (URL-encoded). Tests point these at a loopback server. Empty: DEFAULT_AUTOCONFIG_URLS.
     */
    autoconfigUrls: string[];
  };
}

/** Thunderbird's two places for a domain's own autoconfig file. */
export const DEFAULT_AUTOCONFIG_URLS = [
  'https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={email}',
  'https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml',
];

const defaults: PluginConfig = {
  blockPrivateNetworks: false,
  smtp: { maxConnections: 5, maxMessages: 100, connectionTimeoutMs: 10_000, socketTimeoutMs: 30_000, maxRequeues: 1 },
  sendgrid: { apiBaseUrl: 'https://api.sendgrid.com', timeoutMs: 30_000 },
  verifyTimeoutMs: 10_000,
  incoming: {
    polling: true,
    tickMs: 5_000,
    leaseMs: 5 * 60_000,
    batchSize: 50,
    maxBatchBytes: 64 * 1024 * 1024,
    maxMessageBytes: 25 * 1024 * 1024,
    maxHtmlBytes: 2 * 1024 * 1024,
    initialSyncDays: 30,
    initialSyncMax: 1000,
    maxAuthFailures: 3,
    maxBackoffSeconds: 3600,
    timeoutMs: 30_000,
  },
  inbox: { maxAttachmentBytes: 20 * 1024 * 1024 },
  campaigns: {
    sending: true,
    tickMs: 1_000,
    claimBatch: 100,
    leaseMs: 2 * 60_000,
    maxAttempts: 5,
    retryBaseMs: 60_000,
    maxRetryDelayMs: 60 * 60_000,
    pauseAfterFailures: 20,
    webhookMaxAgeSeconds: 600,
    softBounceLimit: 3,
  },
  oauth: { stateTtlSeconds: 600, refreshMarginSeconds: 120, timeoutMs: 10_000 },
  audit: { retentionDays: 180 },
  detect: {
    dnsServers: [],
    timeoutMs: 5_000,
    totalTimeoutMs: 15_000,
    // Empty = DEFAULT_AUTOCONFIG_URLS. Not the list itself: Strapi fills a user's list from the
    // default one index by index (defaultsDeep), so one URL given would get the second default added.
    autoconfigUrls: [],
  },
};

const positive = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0;

// An IPv4 or IPv6 address, optionally with a port ('127.0.0.1:5353', '[::1]:53'): what Resolver.setServers takes.
const DNS_SERVER = /^(\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|[0-9A-Fa-f:]+|\[[0-9A-Fa-f:]+\](:\d{1,5})?)$/;

const validateDetect = (detect: Partial<PluginConfig['detect']> | undefined) => {
  if (!detect) return;
  const { dnsServers, autoconfigUrls } = detect;
  if (dnsServers !== undefined && !(Array.isArray(dnsServers) && dnsServers.every((s) => typeof s === 'string' && DNS_SERVER.test(s)))) {
    throw new Error("email-server: config.detect.dnsServers must be a list of DNS server addresses such as ['1.1.1.1', '127.0.0.1:5353']");
  }
  for (const key of ['timeoutMs', 'totalTimeoutMs'] as const) {
    if (detect[key] !== undefined && !positive(detect[key])) throw new Error(`email-server: config.detect.${key} must be a positive integer`);
  }
  if (
    autoconfigUrls !== undefined &&
    !(Array.isArray(autoconfigUrls) && autoconfigUrls.every((u) => typeof u === 'string' && /^https?:\/\/\S*\{domain\}\S*$/.test(u)))
  ) {
    throw new Error("email-server: config.detect.autoconfigUrls must be a list of http(s) URLs containing {domain}, such as 'https://autoconfig.{domain}/mail/config-v1.1.xml'");
  }
};

export default {
  default: defaults,
  validator(config: Partial<PluginConfig>) {
    if (config.encryptionKey !== undefined && typeof config.encryptionKey !== 'string') {
      throw new Error('email-server: config.encryptionKey must be a string');
    }
    if (config.blockPrivateNetworks !== undefined && typeof config.blockPrivateNetworks !== 'boolean') {
      throw new Error('email-server: config.blockPrivateNetworks must be true or false');
    }
    for (const key of ['maxConnections', 'maxMessages', 'connectionTimeoutMs', 'socketTimeoutMs'] as const) {
      if (config.smtp?.[key] !== undefined && !positive(config.smtp[key])) {
        throw new Error(`email-server: config.smtp.${key} must be a positive integer`);
      }
    }
    if (config.incoming?.maxHtmlBytes !== undefined && !positive(config.incoming.maxHtmlBytes)) {
      throw new Error('email-server: config.incoming.maxHtmlBytes must be a positive integer');
    }
    if (config.inbox?.maxAttachmentBytes !== undefined && !positive(config.inbox.maxAttachmentBytes)) {
      throw new Error('email-server: config.inbox.maxAttachmentBytes must be a positive integer');
    }
    const sources = config.inbox?.contactSources;
    if (
      sources !== undefined &&
      !(Array.isArray(sources) && sources.every((s) => s && typeof s.uid === 'string' && (s.emailField === undefined || typeof s.emailField === 'string')))
    ) {
      throw new Error("email-server: config.inbox.contactSources must be a list of { uid: 'api::customer.customer', emailField?: 'email' }");
    }
    const requeues = config.smtp?.maxRequeues;
    if (requeues !== undefined && !(Number.isInteger(requeues) && requeues >= 0)) {
      throw new Error('email-server: config.smtp.maxRequeues must be 0 or a positive integer');
    }
    for (const key of ['tickMs', 'claimBatch', 'leaseMs', 'maxAttempts', 'retryBaseMs', 'maxRetryDelayMs', 'pauseAfterFailures', 'webhookMaxAgeSeconds', 'softBounceLimit'] as const) {
      if (config.campaigns?.[key] !== undefined && !positive(config.campaigns[key])) {
        throw new Error(`email-server: config.campaigns.${key} must be a positive integer`);
      }
    }
    const publicUrl = config.campaigns?.publicUrl;
    if (publicUrl !== undefined && publicUrl !== '' && !/^https?:\/\/\S+$/.test(publicUrl)) {
      throw new Error('email-server: config.campaigns.publicUrl must be a URL such as https://cms.example.com');
    }
    for (const key of ['stateTtlSeconds', 'refreshMarginSeconds', 'timeoutMs'] as const) {
      if (config.oauth?.[key] !== undefined && !positive(config.oauth[key])) {
        throw new Error(`email-server: config.oauth.${key} must be a positive integer`);
      }
    }
    const redirectUri = config.oauth?.redirectUri;
    if (redirectUri !== undefined && redirectUri !== '' && !/^https?:\/\/\S+$/.test(redirectUri)) {
      throw new Error('email-server: config.oauth.redirectUri must be a URL such as https://cms.example.com/admin/settings/email-server/oauth/callback');
    }
    if (config.audit?.retentionDays !== undefined && !positive(config.audit.retentionDays)) {
      throw new Error('email-server: config.audit.retentionDays must be a positive integer');
    }
    validateDetect(config.detect);
    const url = config.sendgrid?.apiBaseUrl;
    if (url !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(url)) {
      throw new Error('email-server: config.sendgrid.apiBaseUrl must be a URL such as https://api.sendgrid.com');
    }
  },
};
