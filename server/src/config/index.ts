export interface PluginConfig {
  /** Key material for encrypting secrets when Strapi has no ENCRYPTION_KEY; defaults to APP_KEYS. */
  encryptionKey?: string;
}

export default {
  default: {} as PluginConfig,
  validator(config: PluginConfig) {
    if (config.encryptionKey !== undefined && typeof config.encryptionKey !== 'string') {
      throw new Error('email-server: config.encryptionKey must be a string');
    }
  },
};
