import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isPrivateAddress, privateNetworkMessage } from './network-guard';

/**
 * One HTTP request to a URL an admin typed (a custom OAuth provider's token or userinfo endpoint),
 * with what `fetch` cannot do: the address is checked in the connection's own lookup (so a DNS
 * answer cannot change between the check and the connect), no pooled socket skips that lookup, and
 * the body is read up to a cap and no further. Knows nothing of Strapi.
 */
export interface GuardedRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Refuse loopback, link-local and private addresses (blockPrivateNetworks). */
  blockPrivate: boolean;
  maxBytes: number;
}

export interface GuardedResponse {
  status: number;
  /** At most maxBytes; `truncated` says when the answer was longer. */
  body: string;
  truncated: boolean;
}

/** The host is refused by blockPrivateNetworks. */
export class PrivateAddressError extends Error {
  readonly code = 'EPRIVATE';
  constructor(host: string) {
    super(privateNetworkMessage(host));
    this.name = 'PrivateAddressError';
  }
}

/** Timed out: no answer within timeoutMs. */
export class RequestTimeoutError extends Error {
  constructor(host: string, timeoutMs: number) {
    super(`${host} did not answer within ${timeoutMs} ms.`);
    this.name = 'RequestTimeoutError';
  }
}

const checkingLookup =
  (host: string): typeof dns.lookup =>
  ((hostname: string, options: dns.LookupOptions, callback: (...args: any[]) => void) => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = addresses as dns.LookupAddress[];
      if (list.some((a) => isPrivateAddress(a.address))) return callback(new PrivateAddressError(host), '');
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  }) as any;

export const guardedRequest = (target: string, request: GuardedRequest): Promise<GuardedResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(target);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    // An IP literal skips the lookup: checked here.
    if (request.blockPrivate && net.isIP(literal) && isPrivateAddress(literal)) return reject(new PrivateAddressError(url.host));
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: request.method,
        headers: { ...request.headers, 'user-agent': 'strapi-plugin-email-server' },
        ...(request.blockPrivate ? { lookup: checkingLookup(url.host) } : {}),
        // No pooled connection: a kept-alive socket would skip the lookup, and with it the check.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (truncated: boolean) => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), truncated });
        res.on('data', (chunk: Buffer) => {
          const room = request.maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size = request.maxBytes;
            finish(true);
            req.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => finish(false));
        res.on('error', reject);
      }
    );
    const timer = setTimeout(() => req.destroy(new RequestTimeoutError(url.host, request.timeoutMs)), request.timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(request.body);
  });
