export interface PluginConfig {
  /** Key material for encrypting secrets when Strapi has no ENCRYPTION_KEY; defaults to APP_KEYS. */
  encryptionKey?: string;
  smtp: {
    /** Connections per server's pool, and messages per connection before it is renewed. */
    maxConnections: number;
    maxMessages: number;
    connectionTimeoutMs: number;
    socketTimeoutMs: number;
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
    /** The first sync of a mailbox imports the last N days, at most M mails. */
    initialSyncDays: number;
    initialSyncMax: number;
    /** Failed logins in a row before polling pauses and the server needs attention. */
    maxAuthFailures: number;
    /** Ceiling of the back-off after connection errors. */
    maxBackoffSeconds: number;
    timeoutMs: number;
  };
}

const defaults: PluginConfig = {
  smtp: { maxConnections: 5, maxMessages: 100, connectionTimeoutMs: 10_000, socketTimeoutMs: 30_000 },
  sendgrid: { apiBaseUrl: 'https://api.sendgrid.com', timeoutMs: 30_000 },
  verifyTimeoutMs: 10_000,
  incoming: {
    polling: true,
    tickMs: 5_000,
    leaseMs: 5 * 60_000,
    batchSize: 50,
    maxBatchBytes: 64 * 1024 * 1024,
    maxMessageBytes: 25 * 1024 * 1024,
    initialSyncDays: 30,
    initialSyncMax: 1000,
    maxAuthFailures: 3,
    maxBackoffSeconds: 3600,
    timeoutMs: 30_000,
  },
};

const positive = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value > 0;

export default {
  default: defaults,
  validator(config: Partial<PluginConfig>) {
    if (config.encryptionKey !== undefined && typeof config.encryptionKey !== 'string') {
      throw new Error('email-server: config.encryptionKey must be a string');
    }
    for (const key of ['maxConnections', 'maxMessages', 'connectionTimeoutMs', 'socketTimeoutMs'] as const) {
      if (config.smtp?.[key] !== undefined && !positive(config.smtp[key])) {
        throw new Error(`email-server: config.smtp.${key} must be a positive integer`);
      }
    }
    const url = config.sendgrid?.apiBaseUrl;
    if (url !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(url)) {
      throw new Error('email-server: config.sendgrid.apiBaseUrl must be a URL such as https://api.sendgrid.com');
    }
  },
};
