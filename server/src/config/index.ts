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
}

const defaults: PluginConfig = {
  smtp: { maxConnections: 5, maxMessages: 100, connectionTimeoutMs: 10_000, socketTimeoutMs: 30_000 },
  sendgrid: { apiBaseUrl: 'https://api.sendgrid.com', timeoutMs: 30_000 },
  verifyTimeoutMs: 10_000,
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
