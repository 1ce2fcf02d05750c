import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

/**
 * Encrypts secrets at rest with AES-256-GCM.
 *
 * With an `ENCRYPTION_KEY` (admin.secrets.encryptionKey) configured, Strapi's own
 * `admin::encryption` service does the work, so the key the admin already manages applies.
 * Without it that service returns null, so the plugin falls back to node's crypto with a key
 * derived from the plugin's `encryptionKey` option or the app's `APP_KEYS`. The fallback is a few
 * lines of node:crypto rather than a library because it must stay byte-compatible with nothing
 * but itself and node's AES-GCM is the reference implementation anyway.
 */
const FALLBACK_PREFIX = 'esv1:';
const IV_BYTES = 12;

const secretsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const adminKeyConfigured = () => Boolean(strapi.config.get('admin.secrets.encryptionKey'));

  const fallbackKey = () => {
    const pluginKey = strapi.config.get('plugin::email-server.encryptionKey') as string | undefined;
    const appKeys = strapi.config.get('server.app.keys') as string[] | undefined;
    const material = pluginKey || (Array.isArray(appKeys) ? appKeys.join(',') : '');
    if (!material) {
      throw new errors.ApplicationError(
        'Cannot store secrets: configure ENCRYPTION_KEY (admin.secrets.encryptionKey), APP_KEYS or the email-server plugin option encryptionKey.'
      );
    }
    // A fixed salt is fine here: the input is already a high-entropy application secret.
    return crypto.scryptSync(material, 'strapi-plugin-email-server', 32);
  };

  let cachedFallbackKey: Buffer | undefined;
  const getFallbackKey = () => (cachedFallbackKey ??= fallbackKey());

  let cachedSigningKey: Buffer | undefined;
  /** A key for signing links, kept apart from the encryption key by its own derivation. */
  const signingKey = () =>
    (cachedSigningKey ??= crypto.scryptSync(
      (strapi.config.get('admin.secrets.encryptionKey') as string | undefined) || getFallbackKey().toString('hex'),
      'strapi-plugin-email-server:links',
      32
    ));

  return {
    /** HMAC-SHA256 of `text` for `purpose`, base64url: for tokens in links that must not be forged. */
    sign(purpose: string, text: string): string {
      return crypto.createHmac('sha256', signingKey()).update(`${purpose}\n${text}`).digest('base64url');
    },

    encrypt(plain: string): string {
      if (adminKeyConfigured()) {
        const value = strapi.service('admin::encryption').encrypt(plain) as string | null;
        if (value) return value;
      }
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', getFallbackKey(), iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return FALLBACK_PREFIX + Buffer.concat([iv, tag, data]).toString('base64');
    },

    /** Returns null when the value cannot be decrypted (key changed); never throws the value. */
    decrypt(stored: string | null | undefined): string | null {
      if (!stored) return null;
      if (!stored.startsWith(FALLBACK_PREFIX)) {
        if (!adminKeyConfigured()) return null;
        return strapi.service('admin::encryption').decrypt(stored) as string | null;
      }
      try {
        const raw = Buffer.from(stored.slice(FALLBACK_PREFIX.length), 'base64');
        const iv = raw.subarray(0, IV_BYTES);
        const tag = raw.subarray(IV_BYTES, IV_BYTES + 16);
        const data = raw.subarray(IV_BYTES + 16);
        const decipher = crypto.createDecipheriv('aes-256-gcm', getFallbackKey(), iv);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
      } catch {
        strapi.log.warn('[email-server] A stored secret could not be decrypted; the key may have changed.');
        return null;
      }
    },
  };
};

export type SecretsService = ReturnType<typeof secretsService>;
export default secretsService;
