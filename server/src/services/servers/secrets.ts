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
// Pinned: without it, node accepts a shortened tag, and a 4-byte tag is forgeable.
const TAG_BYTES = 16;
const SALT = 'strapi-plugin-email-server';

const secretsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const adminKeyConfigured = () => Boolean(strapi.config.get('admin.secrets.encryptionKey'));

  const appKeys = () => {
    const keys = strapi.config.get('server.app.keys') as string[] | undefined;
    return Array.isArray(keys) ? keys.filter((k) => typeof k === 'string' && k !== '') : [];
  };

  /**
   * The key material: the plugin option, else the FIRST of APP_KEYS only, so appending a rotated
   * key to APP_KEYS (as Koa's key rotation does) leaves every stored secret readable.
   */
  const material = () => {
    const pluginKey = strapi.config.get('plugin::email-server.encryptionKey') as string | undefined;
    const value = pluginKey || appKeys()[0];
    if (!value) {
      throw new errors.ApplicationError(
        'Cannot store secrets: configure ENCRYPTION_KEY (admin.secrets.encryptionKey), APP_KEYS or the email-server plugin option encryptionKey.'
      );
    }
    return value;
  };

  // A fixed salt is fine here: the input is already a high-entropy application secret.
  const derive = (input: string) => crypto.scryptSync(input, SALT, 32);

  let cachedFallbackKey: Buffer | undefined;
  const getFallbackKey = () => (cachedFallbackKey ??= derive(material()));

  /**
   * Versions up to 0.1 derived the key from all APP_KEYS joined: still read what they stored
   * (the next save re-encrypts it with the current key).
   */
  let cachedLegacyKey: Buffer | null | undefined;
  const legacyKey = () => {
    if (cachedLegacyKey !== undefined) return cachedLegacyKey;
    const pluginKey = strapi.config.get('plugin::email-server.encryptionKey') as string | undefined;
    const keys = appKeys();
    cachedLegacyKey = !pluginKey && keys.length > 1 ? derive(keys.join(',')) : null;
    return cachedLegacyKey;
  };

  const linkKey = (fallback: Buffer) =>
    crypto.scryptSync(
      (strapi.config.get('admin.secrets.encryptionKey') as string | undefined) || fallback.toString('hex'),
      'strapi-plugin-email-server:links',
      32
    );
  let cachedSigningKeys: Buffer[] | undefined;
  /**
   * Keys for signing links, kept apart from the encryption key by their own derivation: the
   * current one signs, the legacy one (all APP_KEYS joined) still verifies links already sent.
   */
  const signingKeys = () => {
    if (cachedSigningKeys) return cachedSigningKeys;
    const legacy = legacyKey();
    cachedSigningKeys = [linkKey(getFallbackKey())];
    if (legacy && !strapi.config.get('admin.secrets.encryptionKey')) cachedSigningKeys.push(linkKey(legacy));
    return cachedSigningKeys;
  };
  const hmac = (key: Buffer, purpose: string, text: string) =>
    crypto.createHmac('sha256', key).update(`${purpose}\n${text}`).digest('base64url');

  const openWith = (key: Buffer, raw: Buffer): string | null => {
    if (raw.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  };

  /**
   * Keys that may have sealed a stored value, current first: each APP_KEY on its own (a key that
   * was first before a rotation) and, from versions up to 0.1, all of them joined.
   */
  let cachedOldKeys: Buffer[] | undefined;
  const oldKeys = () => {
    if (cachedOldKeys) return cachedOldKeys;
    const pluginKey = strapi.config.get('plugin::email-server.encryptionKey') as string | undefined;
    const legacy = legacyKey();
    cachedOldKeys = pluginKey ? [] : appKeys().slice(1).map(derive);
    if (legacy) cachedOldKeys.push(legacy);
    return cachedOldKeys;
  };

  /** The plaintext and whether the current key sealed it, or null when nothing opens it. */
  const open = (stored: string): { plain: string; current: boolean } | null => {
    if (!stored.startsWith(FALLBACK_PREFIX)) {
      if (!adminKeyConfigured()) return null;
      // Strapi's format is version:iv:data:tag in hex; its decrypt takes a short tag, so the
      // tag length is checked here before handing over.
      const tag = stored.split(':')[3];
      if (!tag || tag.length !== TAG_BYTES * 2) return null;
      try {
        const plain = (strapi.service('admin::encryption').decrypt(stored) as string | null) ?? null;
        return plain === null ? null : { plain, current: true };
      } catch {
        return null;
      }
    }
    const raw = Buffer.from(stored.slice(FALLBACK_PREFIX.length), 'base64');
    const plain = openWith(getFallbackKey(), raw);
    if (plain !== null) return { plain, current: true };
    for (const key of oldKeys()) {
      const old = openWith(key, raw);
      if (old !== null) return { plain: old, current: false };
    }
    return null;
  };

  return {
    /** HMAC-SHA256 of `text` for `purpose`, base64url: for tokens in links that must not be forged. */
    sign(purpose: string, text: string): string {
      return hmac(signingKeys()[0], purpose, text);
    },

    /** Whether `signature` is this app's signature of `text` for `purpose` (constant time). */
    verifySignature(purpose: string, text: string, signature: string): boolean {
      const given = Buffer.from(String(signature));
      return signingKeys().some((key) => {
        const expected = Buffer.from(hmac(key, purpose, text));
        return given.length === expected.length && crypto.timingSafeEqual(given, expected);
      });
    },

    encrypt(plain: string): string {
      if (adminKeyConfigured()) {
        const value = strapi.service('admin::encryption').encrypt(plain) as string | null;
        if (value) return value;
      }
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', getFallbackKey(), iv, { authTagLength: TAG_BYTES });
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return FALLBACK_PREFIX + Buffer.concat([iv, tag, data]).toString('base64');
    },

    /** Returns null when the value cannot be decrypted (key changed); never throws the value. */
    decrypt(stored: string | null | undefined): string | null {
      if (!stored) return null;
      const value = open(stored);
      if (value === null) strapi.log.warn('[email-server] A stored secret could not be decrypted; the key may have changed.');
      return value?.plain ?? null;
    },

    /** Whether a stored secret still decrypts, without logging: for showing a server's state. */
    isReadable(stored: string | null | undefined): boolean {
      return !stored || open(stored) !== null;
    },

    /** A kept secret sealed with an older key, sealed again with the current one (on save). */
    reseal(stored: string | null | undefined): string | null {
      if (!stored) return stored ?? null;
      const value = open(stored);
      return value && !value.current ? this.encrypt(value.plain) : stored;
    },
  };
};

export type SecretsService = ReturnType<typeof secretsService>;
export default secretsService;
