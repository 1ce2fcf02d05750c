import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { INPUT_FIELDS, OAUTH_CONNECTION_FIELDS, SECRET_FIELDS, type SchemaContext, type EmailServerInput, type PublicServer, type SecretField, type ServerStatus } from '../../../../shared/contracts/servers';
import {
  anyOAuth,
  clientSecretChange,
  connectionChange,
  normalizeServerInput,
  oauthConnectionChange,
  reenterClientSecretMessage,
  reenterPasswordMessage,
  usesOAuth,
} from '../../../../shared/validation/servers';
import { privateAddressOf, privateNetworkMessage } from '../../adapters/network-guard';
import { SERVER_UID, getService, pluginConfig } from '../../utils';
import { unreadableSecretMessage } from './server-config';
import { fieldError } from '../../utils/validate';
import { fit } from '../../utils/fit';
import { rawTable } from '../../utils/raw-table';
import { resumeAfterFix } from '../inbox/attention';
import { ServerInUseError, campaignsUsing, lockServerRow } from './in-use';

/** A stored email server row, secrets still encrypted. */
export interface StoredServer extends EmailServerInput {
  id: number;
  /** The connected OAuth account; tokens encrypted. */
  oauthRefreshToken?: string | null;
  oauthAccessToken?: string | null;
  oauthTokenExpiresAt?: string | number | null;
  oauthAccount?: string | null;
  oauthAttention?: string | null;
  oauthRefreshLeaseUntil?: string | number | null;
  lastSendAt?: string | null;
  lastSendError?: string | null;
  lastSendErrorAt?: string | null;
  lastPollAt?: string | null;
  lastPollOk?: boolean | null;
  lastPollMessage?: string | null;
  incomingAttention?: string | null;
  documentId: string;
  nameKey: string;
  lastCheckAt?: string | null;
  lastCheckOk?: boolean | null;
  lastCheckMessage?: string | null;
  createdAt: string;
  updatedAt: string;
}

const PUBLIC_FIELDS = [
  'documentId',
  ...INPUT_FIELDS.filter((f) => !(SECRET_FIELDS as readonly string[]).includes(f)),
  'lastCheckAt',
  'lastCheckOk',
  'lastCheckMessage',
  'incomingAttention',
  'createdAt',
  'updatedAt',
] as const;

const time = (value: string | Date | null | undefined) => (value ? new Date(value).getTime() : 0);
const iso = (value: string | Date | null | undefined) => (value ? new Date(value).toISOString() : null);

/**
 * The health part of a response. The last send error is kept, but shown only while it is newer
 * than the last success: a server that sent fine since has no error to act on. The counts are
 * filled in by `withUsage` (one query for every server of a list).
 */
const statusOf = (server: StoredServer, unreadable: SecretField[]): ServerStatus => {
  const errorCurrent = Boolean(server.lastSendError) && time(server.lastSendErrorAt) >= time(server.lastSendAt);
  return {
    sentToday: 0,
    sentThisHour: 0,
    lastSendAt: iso(server.lastSendAt),
    lastSendError: errorCurrent ? server.lastSendError! : null,
    lastSendErrorAt: errorCurrent ? iso(server.lastSendErrorAt) : null,
    lastPollAt: iso(server.lastPollAt),
    lastPollOk: server.lastPollOk ?? null,
    lastPollMessage: server.lastPollMessage ?? null,
    needsAttention: [
      ...unreadable.map((field) => unreadableSecretMessage(server, field)),
      server.incomingAttention,
      server.oauthAttention,
    ].filter((m): m is string => Boolean(m)),
  };
};

/**
 * The allow-list mapper every response goes through. `unreadable` names the stored secrets that
 * no longer decrypt, so the admin can say which one to enter again.
 */
export const toPublic = (server: StoredServer, unreadable: SecretField[] = []): PublicServer => {
  const out: Record<string, unknown> = {};
  for (const field of PUBLIC_FIELDS) out[field] = (server as any)[field] ?? null;
  out.apiTokenSet = Boolean(server.apiToken);
  out.smtpPasswordSet = Boolean(server.smtpPassword);
  out.incomingPasswordSet = Boolean(server.incomingPassword);
  out.dkimPrivateKeySet = Boolean(server.dkimPrivateKey);
  out.oauthClientSecretSet = Boolean(server.oauthClientSecret);
  out.oauthConnected = Boolean(server.oauthRefreshToken);
  out.oauthAccount = server.oauthAccount ?? null;
  out.oauthAttention = server.oauthAttention ?? null;
  out.unreadableSecrets = unreadable;
  out.status = statusOf(server, unreadable);
  return out as unknown as PublicServer;
};

/** The editable fields of a stored server, secrets left out, as a base to merge an update onto. */
export const toInput = (server: StoredServer): Partial<EmailServerInput> => {
  const out: Record<string, unknown> = {};
  for (const field of INPUT_FIELDS) {
    if (!(SECRET_FIELDS as readonly string[]).includes(field)) out[field] = (server as any)[field];
  }
  return out;
};

/** The stored-only columns of a connected account: cleared together when the account no longer applies. */
export const OAUTH_TOKEN_COLUMNS = {
  oauthRefreshToken: null,
  oauthAccessToken: null,
  oauthTokenExpiresAt: null,
  oauthAccount: null,
  oauthAttention: null,
  oauthRefreshLeaseUntil: null,
} as const;

/** Whether a secret still applies after normalisation; a secret that does not is cleared. */
const secretApplies = (field: SecretField, input: EmailServerInput) => {
  if (field === 'apiToken') return input.type === 'sendgrid';
  if (field === 'dkimPrivateKey') return input.type === 'smtp' && Boolean(input.dkimDomain);
  if (field === 'oauthClientSecret') return input.type === 'smtp' && (input.smtpAuthMethod === 'oauth2' || input.incomingAuthMethod === 'oauth2');
  if (field === 'smtpPassword') return input.type === 'smtp' && Boolean(input.smtpUsername) && input.smtpAuthMethod !== 'oauth2';
  return input.type === 'smtp' && Boolean(input.incomingProtocol) && input.incomingAuthMethod !== 'oauth2';
};

/**
 * The fields that decide where and how Strapi's own mail (password resets, invitations) goes, and
 * where replies to it go, when the server is the default: changing them needs `servers.set-default`.
 */
// The login methods and the OAuth app and endpoints decide whose mailbox sends the default's mail,
// as the username does (XOAUTH2 logs in as the connected account when no username is given). The
// fallback and the limits too: a limit of 1 and a fallback would hand the next password reset to
// whichever server the fallback names.
const DEFAULT_GUARDED_FIELDS = [
  'type',
  'enabled',
  'senderEmail',
  'senderName',
  'replyTo',
  'smtpUsername',
  'dkimDomain',
  'dkimSelector',
  'smtpAuthMethod',
  'incomingAuthMethod',
  ...OAUTH_CONNECTION_FIELDS,
  'fallbackServer',
  'dailyLimit',
  'hourlyLimit',
] as const;
const defaultConnectionChanged = (existing: StoredServer, input: EmailServerInput) =>
  DEFAULT_GUARDED_FIELDS.some((field) => (existing[field] ?? null) !== (input[field] ?? null)) ||
  Boolean(input.oauthClientSecret) ||
  connectionChange('smtpPassword', input, existing) !== null ||
  Boolean(input.smtpPassword) ||
  Boolean(input.apiToken) ||
  Boolean(input.dkimPrivateKey);

/**
 * Whether saving `input` makes, unmakes or re-points the default server. A server on the
 * default's fallback chain (`onDefaultChain`) carries the default's mail too, so it counts alike.
 */
export const touchesDefault = (input: EmailServerInput, existing?: StoredServer, onDefaultChain = false) => {
  if (!existing) return Boolean(input.isDefault);
  if (Boolean(existing.isDefault) !== Boolean(input.isDefault)) return true;
  return (Boolean(existing.isDefault) || onDefaultChain) && defaultConnectionChanged(existing, normalizeServerInput(input));
};

const isUniqueViolation = (error: unknown) =>
  /unique|duplicate/i.test(String((error as any)?.code ?? '') + String((error as any)?.message ?? ''));

/**
 * How long a looked-up server is reused by the send path. Edits made through this instance clear
 * the cache at once; edits made on another instance behind the same database show within this.
 */
const LOOKUP_TTL_MS = 1000;
/** Callers pass any name they like: the cache keeps the most recent few, not every one. */
const LOOKUP_MAX_ENTRIES = 200;

/** A relay's reply can be long: the list shows this much of it. */
const SEND_ERROR_CHARS = 1000;

const serversService = ({ strapi }: { strapi: Core.Strapi }) => {
  const documents = () => strapi.documents(SERVER_UID);
  const lookups = new Map<string, { at: number; value: StoredServer | null }>();
  const cachedLookup = async (key: string, load: () => Promise<StoredServer | null>) => {
    const hit = lookups.get(key);
    if (hit && Date.now() - hit.at < LOOKUP_TTL_MS) return hit.value;
    const value = await load();
    lookups.delete(key);
    // A Map iterates in insertion order: the first key is the oldest.
    if (lookups.size >= LOOKUP_MAX_ENTRIES) lookups.delete(lookups.keys().next().value!);
    lookups.set(key, { at: Date.now(), value });
    return value;
  };
  const forget = async (documentId: string) => {
    lookups.clear();
    getService(strapi, 'transports').close(documentId);
    await resumeAfterFix(strapi, documentId);
  };
  const secrets = () => getService(strapi, 'secrets');

  const assertNameFree = async (name: string, exceptDocumentId?: string) => {
    const clash = await strapi.db.query(SERVER_UID).findOne({
      select: ['documentId'],
      where: {
        nameKey: name.toLowerCase(),
        ...(exceptDocumentId ? { documentId: { $ne: exceptDocumentId } } : {}),
      },
    });
    if (clash) throw fieldError('name', 'An email server with this name already exists.');
  };

  /**
   * A fallback must exist and not be this server, and following fallbacks from it must not come
   * back here (A → B → A would hand a mail back and forth). The send path stops at a visited
   * server too, for rows edited around this check.
   */
  const assertFallbackValid = async (input: EmailServerInput, self?: string) => {
    const start = input.fallbackServer;
    if (!start) return;
    if (start === self) throw fieldError('fallbackServer', 'A server cannot be its own fallback: choose another server.');
    const names: string[] = [];
    const seen = new Set<string>();
    for (let ref: string | null | undefined = start; ref; ) {
      const row = (await strapi.db.query(SERVER_UID).findOne({ select: ['documentId', 'name', 'fallbackServer'], where: { documentId: ref } })) as StoredServer | null;
      if (!row) {
        if (ref === start) throw fieldError('fallbackServer', 'No email server has this id: choose the fallback from the list.');
        return;
      }
      names.push(row.name);
      if (row.fallbackServer === self && self) {
        const loop = [input.name, ...names, input.name].map((n) => `"${n}"`).join(' → ');
        throw fieldError('fallbackServer', `This makes a loop: ${loop}. Choose a fallback whose own fallbacks do not lead back to this server.`);
      }
      if (seen.has(row.documentId)) return;
      seen.add(row.documentId);
      ref = row.fallbackServer;
    }
  };

  /** Keys the schema can only check by their shape: node:crypto tells whether they really load. */
  const assertKeysLoad = (input: EmailServerInput) => {
    if (input.dkimPrivateKey) {
      try {
        crypto.createPrivateKey(input.dkimPrivateKey);
      } catch {
        throw fieldError('dkimPrivateKey', 'This private key cannot be read: paste the whole PEM block, unencrypted.');
      }
    }
    if (input.webhookPublicKey) {
      const pem = input.webhookPublicKey.includes('BEGIN')
        ? input.webhookPublicKey
        : `-----BEGIN PUBLIC KEY-----\n${input.webhookPublicKey}\n-----END PUBLIC KEY-----`;
      let type: string | undefined;
      try {
        type = crypto.createPublicKey(pem).asymmetricKeyType;
      } catch {
        type = undefined;
      }
      if (type !== 'ec') {
        throw fieldError('webhookPublicKey', 'This is not an ECDSA public key: copy the verification key from SendGrid\'s Event Webhook settings.');
      }
    }
  };

  /** Builds the row to write: other-type fields nulled, secrets encrypted, kept or cleared. */
  const toRow = (input: EmailServerInput, existing?: StoredServer) => {
    const normalized = normalizeServerInput(input);
    // Any edit is a chance the admin fixed what paused polling: try again.
    const row: Record<string, unknown> = {
      ...normalized,
      nameKey: normalized.name.toLowerCase(),
      incomingAttention: null,
    };
    for (const field of SECRET_FIELDS) {
      const given = normalized[field];
      if (!secretApplies(field, normalized)) row[field] = null;
      else if (typeof given === 'string' && given !== '') row[field] = secrets().encrypt(given);
      else row[field] = secrets().reseal(existing?.[field] ?? null);
    }
    // Tokens were granted for one app, endpoint, set of scopes and hosts: any change, or no side
    // using OAuth2 any more, disconnects the account (the form says so before saving).
    if (existing?.oauthRefreshToken && (!anyOAuth(normalized) || oauthConnectionChange(normalized, existing))) {
      Object.assign(row, OAUTH_TOKEN_COLUMNS);
    }
    return row;
  };

  const clearOtherDefaults = async (documentId: string) => {
    await strapi.db.query(SERVER_UID).updateMany({
      where: { isDefault: true, documentId: { $ne: documentId } },
      data: { isDefault: false },
    });
  };

  const write = async (fn: () => Promise<StoredServer>) => {
    try {
      return await strapi.db.transaction(fn);
    } catch (error) {
      // Two requests raced past the name check; the unique index caught the second one.
      if (isUniqueViolation(error)) throw fieldError('name', 'An email server with this name already exists.');
      throw error;
    }
  };

  /** The stored secrets that no longer decrypt (the encryption key changed). */
  const unreadableSecrets = (server: StoredServer): SecretField[] =>
    SECRET_FIELDS.filter((field) => server[field] && !secrets().isReadable(server[field]));

  /** A stored password must not follow a changed host: the service holds to it for every caller. */
  const assertSecretsFollowHost = (existing: StoredServer, input: EmailServerInput) => {
    for (const field of ['smtpPassword', 'incomingPassword'] as const) {
      const given = input[field];
      if (!secretApplies(field, normalizeServerInput(input)) || (typeof given === 'string' && given !== '') || !existing[field]) continue;
      const change = connectionChange(field, input, existing);
      if (change) throw fieldError(field, reenterPasswordMessage(change));
    }
    const given = input.oauthClientSecret;
    if (existing.oauthClientSecret && anyOAuth(input) && !(typeof given === 'string' && given !== '')) {
      const change = clientSecretChange(input, existing);
      if (change) throw fieldError('oauthClientSecret', reenterClientSecretMessage(change));
    }
  };


  /**
   * The blockPrivateNetworks half of `connectionProblem`, for the send path: there the secrets
   * were already checked when the server's transport was built (`smtpConfigOf` refuses an
   * unreadable one), so each mail costs no decryption, and nothing at all with the option off.
   */
  const refusedHost = async (
    server: Pick<StoredServer, 'type' | 'name' | 'smtpHost' | 'incomingHost'>,
    side: 'outgoing' | 'incoming'
  ): Promise<string | null> => {
    if (!pluginConfig(strapi).blockPrivateNetworks || server.type !== 'smtp') return null;
    const host = side === 'incoming' ? server.incomingHost : server.smtpHost;
    const address = host ? await privateAddressOf(host) : null;
    if (!host || !address) return null;
    strapi.log.warn(`[email-server] Refused ${host} for "${server.name}": it resolves to ${address} (blockPrivateNetworks).`);
    return privateNetworkMessage(host);
  };

  /** Hosts the config refuses (blockPrivateNetworks), checked when they are saved too. */
  const assertHostsAllowed = async (input: EmailServerInput) => {
    for (const [field, side] of [['smtpHost', 'outgoing'], ['incomingHost', 'incoming']] as const) {
      const problem = await refusedHost(input, side);
      if (problem) throw fieldError(field, problem);
    }
    // A custom OAuth provider's URLs were typed by an admin too: the token URL gets the client
    // secret and the refresh token, the browser is sent to the authorize URL.
    if (!pluginConfig(strapi).blockPrivateNetworks || !anyOAuth(input) || input.oauthProvider !== 'custom') return;
    for (const [field, words] of [['oauthAuthorizeUrl', 'authorization URL'], ['oauthTokenUrl', 'token URL']] as const) {
      const url = input[field];
      const host = url ? URL.canParse(url) && new URL(url).hostname : null;
      if (host && (await privateAddressOf(host))) throw fieldError(field, `The ${words}'s host ${privateNetworkMessage(host)}`);
    }
  };

  return {
    unreadableSecrets,

    /** How many look-ups the send path keeps (bounded by LOOKUP_MAX_ENTRIES). */
    lookupCacheSize: () => lookups.size,

    /**
     * Why nothing may connect to one side of this server now, or null: a stored secret that no
     * longer decrypts, or (with blockPrivateNetworks) a host that resolves into a private range.
     * Checked right before every connection, since DNS answers change after the host was saved.
     */
    async connectionProblem(server: StoredServer, side: 'outgoing' | 'incoming'): Promise<string | null> {
      const fields: SecretField[] = side === 'incoming' ? ['incomingPassword'] : ['smtpPassword', 'dkimPrivateKey', 'apiToken'];
      if (usesOAuth(server, side)) fields.push('oauthClientSecret');
      const unreadable = unreadableSecrets(server).find((field) => fields.includes(field));
      if (unreadable) return unreadableSecretMessage(server, unreadable);
      if (usesOAuth(server, side) && !server.oauthRefreshToken) return `Connect the account first: "${server.name}" logs in with OAuth2 and no account is connected.`;
      if (usesOAuth(server, side) && server.oauthAttention) return server.oauthAttention;
      return refusedHost(server, side);
    },

    refusedHost,

    /** A server as a response shows it. */
    toPublic: (server: StoredServer) => toPublic(server, unreadableSecrets(server)),

    /** Servers as responses show them, with this hour's and today's counts from the shared throttle. */
    async toPublicWithUsage(list: StoredServer[]): Promise<PublicServer[]> {
      const usage = await getService(strapi, 'throttle').usage(list.map((s) => s.documentId));
      return list.map((server) => {
        const out = toPublic(server, unreadableSecrets(server));
        Object.assign(out.status, usage.get(server.documentId));
        return out;
      });
    },

    /**
     * Writes the outcome of a send (null = it went out) for the list. Below the query layer: a
     * send is not an edit, so updatedAt (the transport version) must not move.
     */
    async recordSend(server: Pick<StoredServer, 'id'>, error: string | null): Promise<void> {
      const patch = error === null ? { lastSendAt: new Date() } : { lastSendError: fit(error, SEND_ERROR_CHARS), lastSendErrorAt: new Date() };
      await rawTable(strapi, SERVER_UID).update({ id: server.id }, patch);
    },

    /** Writes the outcome of a poll for the list, below the query layer like `recordSend`. */
    async recordPoll(server: Pick<StoredServer, 'id'>, ok: boolean, message: string | null): Promise<void> {
      await rawTable(strapi, SERVER_UID).update({ id: server.id }, { lastPollAt: new Date(), lastPollOk: ok, lastPollMessage: message === null ? null : fit(message, SEND_ERROR_CHARS) });
    },

    /** What the shared schema needs to validate an update of `server`. */
    schemaContext: (server: StoredServer): SchemaContext => {
      const unreadable = unreadableSecrets(server);
      const stored = Object.fromEntries(SECRET_FIELDS.map((field) => [field, Boolean(server[field]) && !unreadable.includes(field)]));
      return { stored, original: toInput(server) };
    },

    async list(): Promise<StoredServer[]> {
      const rows = (await documents().findMany({ limit: -1 } as any)) as unknown as StoredServer[];
      // Sorted here, not in SQL, so the order is the same on every database's collation.
      return rows.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    },

    async findOne(documentId: string): Promise<StoredServer | null> {
      return (await documents().findOne({ documentId })) as unknown as StoredServer | null;
    },

    async getOrThrow(documentId: string): Promise<StoredServer> {
      const server = await this.findOne(documentId);
      if (!server) throw new errors.NotFoundError('Email server not found.');
      return server;
    },

    /** Whether the default server falls back to this one, directly or along the chain. */
    async onDefaultChain(documentId: string): Promise<boolean> {
      const query = strapi.db.query(SERVER_UID);
      let row = (await query.findOne({ select: ['documentId', 'fallbackServer'], where: { isDefault: true } })) as StoredServer | null;
      const seen = new Set<string>();
      while (row?.fallbackServer && !seen.has(row.documentId)) {
        if (row.fallbackServer === documentId) return true;
        seen.add(row.documentId);
        row = (await query.findOne({ select: ['documentId', 'fallbackServer'], where: { documentId: row.fallbackServer } })) as StoredServer | null;
      }
      return false;
    },

    /** The default enabled server (for sending), looked up at most once a second. */
    findDefaultCached(): Promise<StoredServer | null> {
      return cachedLookup('default', async () =>
        // Ordered: should two rows ever both be default (two saves racing), every instance picks the same.
        (await strapi.db.query(SERVER_UID).findOne({ where: { isDefault: true, enabled: true }, orderBy: { id: 'asc' } })) as StoredServer | null
      );
    },

    /** A server by documentId or by name in any case (for sending), cached like the default. */
    findByRefCached(ref: string): Promise<StoredServer | null> {
      return cachedLookup(`ref:${ref}`, async () => {
        const query = strapi.db.query(SERVER_UID);
        return ((await query.findOne({ where: { documentId: ref } })) ??
          (await query.findOne({ where: { nameKey: String(ref).trim().toLowerCase() } }))) as StoredServer | null;
      });
    },

    async create(input: EmailServerInput): Promise<StoredServer> {
      assertKeysLoad(input);
      await assertHostsAllowed(input);
      await assertNameFree(input.name);
      await assertFallbackValid(input);
      return write(async () => {
        const created = (await documents().create({ data: toRow(input) as any })) as unknown as StoredServer;
        if (created.isDefault) await clearOtherDefaults(created.documentId);
        return created;
      }).finally(() => lookups.clear());
    },

    async update(existing: StoredServer, input: EmailServerInput): Promise<StoredServer> {
      assertKeysLoad(input);
      assertSecretsFollowHost(existing, input);
      await assertHostsAllowed(input);
      await assertNameFree(input.name, existing.documentId);
      await assertFallbackValid(input, existing.documentId);
      return write(async () => {
        const updated = (await documents().update({
          documentId: existing.documentId,
          data: toRow(input, existing) as any,
        })) as unknown as StoredServer;
        if (updated.isDefault) await clearOtherDefaults(updated.documentId);
        return updated;
      }).finally(() => forget(existing.documentId));
    },

    /** Writes the "needs attention" flag; the rule around it is inbox/attention.ts. */
    async markNeedsAttention(server: StoredServer, message: string | null): Promise<void> {
      // Below the query layer: this is not an edit and must not move updatedAt.
      await rawTable(strapi, SERVER_UID).update({ id: server.id }, { incomingAttention: message ? message.slice(0, 255) : null });
      lookups.clear();
    },

    /**
     * Writes a connected account's columns below the query layer. A token refresh is bookkeeping and
     * leaves updatedAt (the transport version) alone; a connect or disconnect (`edit`) moves it, so
     * every instance rebuilds its pool with the new account. Answers the rows written (0 when
     * `where` no longer matched: another instance got there first).
     */
    async writeOAuth(server: Pick<StoredServer, 'id' | 'documentId'>, patch: Record<string, unknown>, options: { edit?: boolean; where?: Record<string, unknown> } = {}): Promise<number> {
      const data = options.edit ? { ...patch, updatedAt: new Date() } : patch;
      const count = await rawTable(strapi, SERVER_UID).update({ ...options.where, id: server.id }, data);
      lookups.clear();
      if (options.edit) getService(strapi, 'transports').close(server.documentId);
      return Number(count);
    },

    /** Refused (ServerInUseError) while a campaign under way goes through it; see in-use.ts for the race. */
    async delete(existing: StoredServer): Promise<void> {
      await strapi.db.transaction(async ({ trx }) => {
        if (!(await lockServerRow(strapi, trx, existing.documentId, 'update'))) return;
        const campaigns = await campaignsUsing(strapi, existing.documentId);
        if (campaigns.length > 0) throw new ServerInUseError(campaigns);
        await documents().delete({ documentId: existing.documentId });
      });
      // Servers that fell back to this one now have none, instead of a fallback that names nothing
      // (which every later save of theirs would refuse). After the transaction: SQLite has one
      // connection. Below the query layer: this is not an edit of theirs.
      await rawTable(strapi, SERVER_UID).update({ fallbackServer: existing.documentId }, { fallbackServer: null });
      await forget(existing.documentId);
    },
  };
};

export type ServersService = ReturnType<typeof serversService>;
export default serversService;
