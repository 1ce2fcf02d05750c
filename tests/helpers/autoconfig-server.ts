/**
 * A loopback HTTP server standing in for a domain's autoconfig host (autoconfig.<domain>): it
 * serves a Thunderbird config-v1.1.xml per Host header at the two paths Thunderbird asks, 404 for
 * anything else, and records every request. Names reach it through the loopback DNS server.
 */
import http from 'node:http';
import { freePort } from './net';

export interface AutoconfigRequest {
  host: string;
  path: string;
  /** The emailaddress query parameter, as Thunderbird sends it on autoconfig.<domain>. */
  emailaddress: string | null;
}

export interface FakeAutoconfig {
  port: number;
  requests: AutoconfigRequest[];
  /** Serve `xml` for requests whose Host is `host` (without the port). */
  serve(host: string, xml: string): void;
  /** Answer requests for `host` with a redirect to `location`. */
  redirect(host: string, location: string): void;
  stop(): Promise<void>;
}

const PATHS = ['/mail/config-v1.1.xml', '/.well-known/autoconfig/mail/config-v1.1.xml'];

export const startAutoconfigServer = async (): Promise<FakeAutoconfig> => {
  const files = new Map<string, string>();
  const redirects = new Map<string, string>();
  const requests: AutoconfigRequest[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    requests.push({ host, path: url.pathname, emailaddress: url.searchParams.get('emailaddress') });
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    const location = redirects.get(host);
    if (location) {
      res.writeHead(302, { location }).end();
      return;
    }
    const xml = files.get(host);
    if (!xml || !PATHS.includes(url.pathname)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(xml);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    requests,
    serve: (host, xml) => void files.set(host.toLowerCase(), xml),
    redirect: (host, location) => void redirects.set(host.toLowerCase(), location),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A config-v1.1.xml as providers publish it. */
export const autoconfigXml = (domain: string, servers: { incoming: string[]; outgoing: string[] }) => `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${domain}">
    <domain>${domain}</domain>
    <displayName>${domain} mail</displayName>
    ${servers.incoming.join('\n    ')}
    ${servers.outgoing.join('\n    ')}
  </emailProvider>
</clientConfig>
`;

export const serverXml = (
  kind: 'incomingServer' | 'outgoingServer',
  s: { type: string; hostname: string; port: number; socketType: string; authentication: string[]; username: string }
) => `<${kind} type="${s.type}">
      <hostname>${s.hostname}</hostname>
      <port>${s.port}</port>
      <socketType>${s.socketType}</socketType>
      ${s.authentication.map((a) => `<authentication>${a}</authentication>`).join('\n      ')}
      <username>${s.username}</username>
    </${kind}>`;
