/**
 * DNS for "Detect settings": MX and RFC 6186 SRV lookups, and a `lookup` for HTTP requests, all
 * through one resolver whose servers and time limit the plugin config sets (so tests can point it
 * at a loopback DNS server). Knows nothing of Strapi.
 */
import { promises as dnsPromises } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import net from 'node:net';
import type { Security } from './types';
import { isPrivateAddress, privateNetworkMessage } from './network-guard';

export interface MailResolverOptions {
  /** '127.0.0.1:5353', '[::1]:53'; the system's servers when empty. */
  servers: string[];
  timeoutMs: number;
}

/** A lookup that ran out of time: reported as "timed out", not as "no records". */
export class LookupTimeout extends Error {
  constructor(what: string, readonly ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'LookupTimeout';
  }
}

/** Codes that mean "the name has no such records", as opposed to a failure to ask. */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME', 'NXDOMAIN']);

export const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LookupTimeout(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

export interface SrvService {
  host: string;
  port: number;
  priority: number;
  weight: number;
}

/** RFC 6186 (and RFC 8314's `_submissions`) services, with the security each one implies. */
export const SRV_SERVICES = {
  submissions: { name: '_submissions._tcp', side: 'outgoing', protocol: 'smtp', security: 'tls' },
  submission: { name: '_submission._tcp', side: 'outgoing', protocol: 'smtp', security: 'starttls' },
  imaps: { name: '_imaps._tcp', side: 'incoming', protocol: 'imap', security: 'tls' },
  imap: { name: '_imap._tcp', side: 'incoming', protocol: 'imap', security: 'starttls' },
  pop3s: { name: '_pop3s._tcp', side: 'incoming', protocol: 'pop3', security: 'tls' },
  pop3: { name: '_pop3._tcp', side: 'incoming', protocol: 'pop3', security: 'starttls' },
} as const satisfies Record<string, { name: string; side: string; protocol: string; security: Security }>;
export type SrvServiceKey = keyof typeof SRV_SERVICES;

export interface MailResolver {
  /** MX hosts, most preferred first; [] when the domain has none. */
  mx(domain: string): Promise<string[]>;
  /** Targets of one SRV name, in priority then weight order; [] when none or "." (not offered). */
  srv(name: string): Promise<SrvService[]>;
  /** For http.request's `lookup`: resolves through this resolver, optionally refusing private addresses. */
  httpLookup(blockPrivate: boolean): LookupFunction;
  /** Stops every query still running (the detect's total time is up). */
  cancel(): void;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code ?? '';

export const createMailResolver = ({ servers, timeoutMs }: MailResolverOptions): MailResolver => {
  // One try per server: the time limit is the config's, not c-ares' four tries with back-off.
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 1 });
  if (servers.length > 0) resolver.setServers(servers);

  const ask = async <T>(what: string, query: () => Promise<T[]>): Promise<T[]> => {
    try {
      return await withTimeout(query(), timeoutMs, what);
    } catch (error) {
      if (NO_DATA.has(errorCode(error))) return [];
      if (errorCode(error) === 'ETIMEOUT' || errorCode(error) === 'ECANCELLED') throw new LookupTimeout(what, timeoutMs);
      throw error;
    }
  };

  const addresses = async (hostname: string): Promise<LookupAddress[]> => {
    const [v4, v6] = await Promise.all([
      ask(`DNS lookup of ${hostname}`, () => resolver.resolve4(hostname)).catch((e) => e as Error),
      ask(`DNS lookup of ${hostname}`, () => resolver.resolve6(hostname)).catch(() => [] as string[]),
    ]);
    if (v4 instanceof Error) {
      if (v6.length === 0) throw v4;
      return v6.map((address) => ({ address, family: 6 }));
    }
    return [...v4.map((address) => ({ address, family: 4 })), ...v6.map((address) => ({ address, family: 6 }))];
  };

  return {
    async mx(domain) {
      const records = await ask(`MX lookup for ${domain}`, () => resolver.resolveMx(domain));
      return records.sort((a, b) => a.priority - b.priority).map((r) => r.exchange);
    },

    async srv(name) {
      const records = await ask(`SRV lookup for ${name}`, () => resolver.resolveSrv(name));
      // RFC 2782: lowest priority first; within one, the heavier first (a fixed order, so a
      // proposal does not change between two clicks). A single "." target means "not offered".
      return records
        .filter((r) => r.name !== '' && r.name !== '.' && r.port > 0)
        .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
        .map((r) => ({ host: r.name.replace(/\.$/, ''), port: r.port, priority: r.priority, weight: r.weight }));
    },

    httpLookup(blockPrivate) {
      return (hostname, options, callback) => {
        const done = (list: LookupAddress[]) => {
          const family = options.family === 4 || options.family === 6 ? options.family : 0;
          const usable = family ? list.filter((a) => a.family === family) : list;
          if (usable.length === 0) {
            const err: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
            err.code = 'ENOTFOUND';
            return callback(err, '');
          }
          const refused = blockPrivate ? usable.find((a) => isPrivateAddress(a.address)) : undefined;
          if (refused) {
            const err: NodeJS.ErrnoException = new Error(privateNetworkMessage(hostname));
            err.code = 'EPRIVATE';
            return callback(err, '');
          }
          if (options.all) return callback(null, usable);
          callback(null, usable[0].address, usable[0].family);
        };
        if (net.isIP(hostname)) return done([{ address: hostname, family: net.isIP(hostname) }]);
        addresses(hostname).then(done, (error) => callback(error as NodeJS.ErrnoException, ''));
      };
    },

    cancel() {
      resolver.cancel();
    },
  };
};
