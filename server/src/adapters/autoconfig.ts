/**
 * Thunderbird's autoconfig ("config-v1.1.xml"): fetched over HTTP(S) with a bounded time and
 * size, hostnames resolved through the detect resolver, and parsed into plain server settings.
 * Knows nothing of Strapi.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { parseDocument, DomUtils } from 'htmlparser2';
import type { LookupFunction } from './mail-dns';
import { isPrivateAddress, privateNetworkMessage } from './network-guard';
import type { Security } from './types';

type Element = ReturnType<typeof DomUtils.getElementsByTagName>[number];

export const AUTOCONFIG_MAX_BYTES = 256 * 1024;

export interface AutoconfigServer {
  protocol: 'smtp' | 'imap' | 'pop3';
  host: string;
  port: number;
  security: Security;
  authMethod: 'password' | 'oauth2';
  /** The login with %EMAILADDRESS% and friends replaced; null when the file names none. */
  username: string | null;
}

export interface AutoconfigResult {
  outgoing: AutoconfigServer | null;
  incoming: AutoconfigServer | null;
}

const SOCKET_TYPES: Record<string, Security> = { ssl: 'tls', tls: 'tls', starttls: 'starttls', plain: 'none' };
// What we can log in with. Others (NTLM, GSSAPI, client-IP-address) are skipped for the next server listed.
const AUTH_METHODS: Record<string, 'password' | 'oauth2'> = {
  'password-cleartext': 'password',
  plain: 'password',
  'password-encrypted': 'password',
  secure: 'password',
  oauth2: 'oauth2',
};

const text = (parent: Element, tag: string) => {
  const el = DomUtils.getElementsByTagName(tag, parent.children, false, 1)[0];
  return el ? DomUtils.textContent(el).trim() : '';
};

const fillUsername = (template: string, email: string) => {
  const [local, domain] = [email.slice(0, email.lastIndexOf('@')), email.slice(email.lastIndexOf('@') + 1)];
  return template
    .replace(/%EMAILADDRESS%/g, email)
    .replace(/%EMAILLOCALPART%/g, local)
    .replace(/%EMAILDOMAIN%/g, domain);
};

const toServer = (el: Element, email: string): AutoconfigServer | null => {
  const protocol = String(el.attribs.type ?? '').toLowerCase();
  if (protocol !== 'smtp' && protocol !== 'imap' && protocol !== 'pop3') return null;
  const host = text(el, 'hostname').toLowerCase().replace(/\.$/, '');
  const port = Number(text(el, 'port'));
  const security = SOCKET_TYPES[text(el, 'socketType').toLowerCase()];
  // A server may list several <authentication> elements: the first we support wins.
  const auths = DomUtils.getElementsByTagName('authentication', el.children, false).map((a) => DomUtils.textContent(a).trim().toLowerCase());
  const authMethod = auths.length === 0 ? 'password' : auths.map((a) => AUTH_METHODS[a]).find(Boolean);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535 || !security || !authMethod) return null;
  const username = text(el, 'username');
  return { protocol, host, port, security, authMethod, username: username ? fillUsername(username, email) : null };
};

/** The first usable outgoing SMTP server, and the first usable IMAP server (else POP3), in the file's order. */
export const parseAutoconfig = (xml: string, email: string): AutoconfigResult | null => {
  const doc = parseDocument(xml, { xmlMode: true });
  const provider = DomUtils.getElementsByTagName('emailProvider', doc.children, true, 1)[0];
  if (!provider) return null;
  const servers = (tag: string) =>
    DomUtils.getElementsByTagName(tag, provider.children, false)
      .map((el) => toServer(el, email))
      .filter((s): s is AutoconfigServer => s !== null);
  const incoming = servers('incomingServer');
  const outgoing = servers('outgoingServer').find((s) => s.protocol === 'smtp') ?? null;
  const best = incoming.find((s) => s.protocol === 'imap') ?? incoming.find((s) => s.protocol === 'pop3') ?? null;
  if (!outgoing && !best) return null;
  return { outgoing, incoming: best };
};

export interface FetchOptions {
  lookup: LookupFunction;
  /** Refuse an IP-literal URL in a private range (names are checked by `lookup`, which IPs skip). */
  blockPrivate?: boolean;
  timeoutMs: number;
  maxBytes?: number;
  /** Aborts the request (the detect's total time is up). */
  signal?: AbortSignal;
}

/** Why a fetch gave nothing, in words for the notes. */
export class AutoconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AutoconfigError';
  }
}

const getOnce = (url: URL, options: FetchOptions): Promise<{ status: number; location?: string; body: string }> =>
  new Promise((resolve, reject) => {
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (options.blockPrivate && net.isIP(literal) && isPrivateAddress(literal)) {
      return reject(Object.assign(new Error(privateNetworkMessage(url.hostname)), { code: 'EPRIVATE' }));
    }
    const client = url.protocol === 'https:' ? https : http;
    const max = options.maxBytes ?? AUTOCONFIG_MAX_BYTES;
    const req = client.request(
      url,
      {
        method: 'GET',
        lookup: options.lookup as any,
        // No pooled connection: a kept-alive socket would skip `lookup`, and with it the private-address check.
        agent: false,
        headers: { accept: 'application/xml, text/xml', 'user-agent': 'strapi-plugin-email-server' },
        signal: options.signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          return resolve({ status, location: res.headers.location, body: '' });
        }
        if (Number(res.headers['content-length'] ?? 0) > max) {
          req.destroy();
          return reject(new AutoconfigError(`answered with more than ${max} bytes.`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) {
            req.destroy();
            reject(new AutoconfigError(`answered with more than ${max} bytes.`));
          } else chunks.push(chunk);
        });
        res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      }
    );
    const timer = setTimeout(() => req.destroy(new AutoconfigError(`no answer within ${options.timeoutMs} ms.`)), options.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end();
  });

/**
 * GETs one autoconfig URL. At most one redirect is followed, and only to the same host and scheme:
 * an autoconfig file elsewhere is not the domain's word, and following redirects freely would let
 * a domain point the plugin at any address.
 */
export const fetchAutoconfig = async (url: string, options: FetchOptions): Promise<string | null> => {
  let target = new URL(url);
  for (let hop = 0; hop < 2; hop++) {
    const { status, location, body } = await getOnce(target, options);
    if (status === 200) return body;
    if (status >= 300 && status < 400 && location && hop === 0) {
      const next = new URL(location, target);
      if (next.protocol !== target.protocol || next.host !== target.host) {
        throw new AutoconfigError(`redirected to another host (${next.host}), not followed.`);
      }
      target = next;
      continue;
    }
    return null;
  }
  return null;
};
