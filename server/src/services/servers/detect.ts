/**
 * "Detect settings": proposes a server's settings from an email address, in this order: the
 * presets by the address's domain, the presets by the domain's MX hosts, RFC 6186 SRV records,
 * then Thunderbird's autoconfig file. Each lookup is bounded by `detect.timeoutMs` and the whole
 * by `detect.totalTimeoutMs`. Nothing is saved: the admin reviews the proposal.
 */
import type { Core } from '@strapi/strapi';
import type { DetectResult } from '../../../../shared/contracts/detect';
import type { EmailServerInput } from '../../../../shared/contracts/servers';
import { isValidHost } from '../../../../shared/validation/fields';
import { normalizeDomain, presetForDomain, presetForMx, presetValues } from '../../../../shared/presets';
import { AutoconfigError, fetchAutoconfig, parseAutoconfig, type AutoconfigServer } from '../../adapters/autoconfig';
import { createMailResolver, LookupTimeout, SRV_SERVICES, type MailResolver, type SrvService, type SrvServiceKey } from '../../adapters/mail-dns';
import { DEFAULT_AUTOCONFIG_URLS } from '../../config';
import { pluginConfig } from '../../utils';

type Settings = Partial<EmailServerInput>;

const CODES: Record<string, string> = {
  ENOTFOUND: 'the host has no address',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ESERVFAIL: 'the DNS server failed to answer',
  EREFUSED: 'the DNS server refused the query',
};

/** A lookup that failed is a note, never a failed detect: the other sources still count. */
const noteOf = (what: string, error: unknown) => {
  if (error instanceof LookupTimeout) return `${what} timed out after ${error.ms} ms.`;
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  if (error instanceof AutoconfigError || code === 'EPRIVATE') return `${what}: ${(error as Error).message}`;
  return `${what} failed: ${CODES[code] ?? (code || (error as Error)?.message || 'unknown error')}.`;
};

const fromPreset = (domain: string, email: string, resolverMx: string[] | null, notes: string[]): DetectResult | null => {
  const byDomain = presetForDomain(domain);
  if (byDomain) {
    return { source: 'preset', presetId: byDomain.id, settings: presetValues(byDomain, email), notes: [`${domain} is ${byDomain.label}.`, byDomain.note, ...notes] };
  }
  for (const mx of resolverMx ?? []) {
    const preset = presetForMx(mx);
    if (preset) {
      return {
        source: 'preset',
        presetId: preset.id,
        settings: presetValues(preset, email),
        notes: [`${domain}'s mail is handled by ${preset.label} (MX ${mx}).`, preset.note, ...notes],
      };
    }
  }
  return null;
};

const SRV_ORDER: SrvServiceKey[] = ['submissions', 'submission', 'imaps', 'imap', 'pop3s', 'pop3'];

/** The best target of each side: lowest priority, then heaviest weight, then implicit TLS first. */
const pickSrv = (found: Partial<Record<SrvServiceKey, SrvService[]>>, side: 'outgoing' | 'incoming') => {
  const candidates = SRV_ORDER.filter((key) => SRV_SERVICES[key].side === side).flatMap((key, rank) =>
    (found[key] ?? []).filter((s) => isValidHost(s.host)).map((s) => ({ ...s, key, rank }))
  );
  candidates.sort((a, b) => a.priority - b.priority || b.weight - a.weight || a.rank - b.rank);
  return candidates[0];
};

const fromSrv = (found: Partial<Record<SrvServiceKey, SrvService[]>>, email: string): Settings | null => {
  const out = pickSrv(found, 'outgoing');
  const inc = pickSrv(found, 'incoming');
  if (!out && !inc) return null;
  const settings: Settings = { type: 'smtp' };
  // RFC 6186 §4: the login is the full address unless the site says otherwise.
  if (out) Object.assign(settings, { smtpHost: out.host, smtpPort: out.port, smtpSecurity: SRV_SERVICES[out.key].security, smtpAuthMethod: 'password', smtpUsername: email });
  if (inc) {
    Object.assign(settings, {
      incomingProtocol: SRV_SERVICES[inc.key].protocol,
      incomingHost: inc.host,
      incomingPort: inc.port,
      incomingSecurity: SRV_SERVICES[inc.key].security,
      incomingAuthMethod: 'password',
      incomingUsername: email,
    });
  }
  return settings;
};

const fromAutoconfig = (outgoing: AutoconfigServer | null, incoming: AutoconfigServer | null, email: string): Settings => {
  const settings: Settings = { type: 'smtp' };
  if (outgoing && isValidHost(outgoing.host)) {
    Object.assign(settings, {
      smtpHost: outgoing.host,
      smtpPort: outgoing.port,
      smtpSecurity: outgoing.security,
      smtpAuthMethod: outgoing.authMethod,
      smtpUsername: outgoing.username ?? email,
    });
  }
  if (incoming && isValidHost(incoming.host)) {
    Object.assign(settings, {
      incomingProtocol: incoming.protocol,
      incomingHost: incoming.host,
      incomingPort: incoming.port,
      incomingSecurity: incoming.security,
      incomingAuthMethod: incoming.authMethod,
      incomingUsername: incoming.username ?? email,
    });
  }
  return settings;
};

/** `host` is `domain` or a name under it. */
const isUnder = (host: string, domain: string) => {
  const h = host.toLowerCase().replace(/\.$/, '');
  const d = domain.toLowerCase().replace(/\.$/, '');
  return h === d || h.endsWith(`.${d}`);
};

/** The domain an MX host belongs to: mx1.provider.net → provider.net (a two-label name stays). */
const mxDomain = (mx: string) => {
  const labels = mx.toLowerCase().replace(/\.$/, '').split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : labels.join('.');
};

/**
 * Warnings about a proposal from SRV or autoconfig, which the admin is about to trust with the
 * mailbox password: an autoconfig file is often served by a web host, not the mail operator, so
 * a host outside the address's domain and its MX hosts' domains, or a connection without TLS,
 * is named before the password is typed in.
 */
const trustNotes = (settings: Settings, domain: string, mx: string[]): string[] => {
  const trusted = [domain, ...mx.map(mxDomain)];
  const notes: string[] = [];
  const sides = [
    { label: 'SMTP', host: settings.smtpHost, security: settings.smtpSecurity },
    { label: (settings.incomingProtocol ?? 'incoming').toUpperCase(), host: settings.incomingHost, security: settings.incomingSecurity },
  ];
  for (const { label, host, security } of sides) {
    if (!host) continue;
    if (!trusted.some((d) => isUnder(host, d))) {
      notes.push(`The proposed ${label} host ${host} is not under ${domain}${mx.length > 0 ? ' or its MX hosts\' domains' : ''}: make sure it is your provider's before you enter the mailbox password.`);
    }
    if (security === 'none') notes.push(`The proposed ${label} host ${host} connects without TLS: the password would cross the network in clear.`);
  }
  return notes;
};

const fillUrl = (template: string, domain: string, email: string) =>
  template.replace(/\{domain\}/g, encodeURIComponent(domain)).replace(/\{email\}/g, encodeURIComponent(email));

const detectService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async detect(email: string): Promise<DetectResult> {
    const config = pluginConfig(strapi);
    const { dnsServers, timeoutMs, totalTimeoutMs } = config.detect;
    const domain = normalizeDomain(email.slice(email.lastIndexOf('@') + 1));
    const notes: string[] = [];

    // A preset by domain needs no lookup at all.
    const known = fromPreset(domain, email, null, notes);
    if (known) return known;

    const resolver: MailResolver = createMailResolver({ servers: dnsServers, timeoutMs });
    const abort = new AbortController();
    let timedOut = false;
    const total = setTimeout(() => {
      timedOut = true;
      abort.abort();
      resolver.cancel();
    }, totalTimeoutMs);
    // Every step also races the total bound, so a stuck socket cannot hold the request.
    const bounded = <T>(promise: Promise<T>) =>
      Promise.race([
        promise,
        new Promise<never>((_, reject) => {
          if (abort.signal.aborted) reject(new LookupTimeout('Detect settings', totalTimeoutMs));
          abort.signal.addEventListener('abort', () => reject(new LookupTimeout('Detect settings', totalTimeoutMs)), { once: true });
        }),
      ]);
    try {
      // MX and SRV are asked at once; the answers are then used in the documented order.
      const srvKeys = Object.keys(SRV_SERVICES) as SrvServiceKey[];
      const [mx, ...srv] = await Promise.allSettled([
        bounded(resolver.mx(domain)),
        ...srvKeys.map((key) => bounded(resolver.srv(`${SRV_SERVICES[key].name}.${domain}`))),
      ]);
      if (mx.status === 'rejected') notes.push(noteOf(`MX lookup for ${domain}`, mx.reason));
      const byMx = fromPreset(domain, email, mx.status === 'fulfilled' ? mx.value : null, notes);
      if (byMx) return byMx;

      const found: Partial<Record<SrvServiceKey, SrvService[]>> = {};
      const srvFailures = new Set<string>();
      srv.forEach((result, i) => {
        if (result.status === 'fulfilled') found[srvKeys[i]] = result.value;
        else srvFailures.add(noteOf(`SRV lookups for ${domain}`, result.reason));
      });
      notes.push(...srvFailures);
      const mxHosts = mx.status === 'fulfilled' ? mx.value : [];
      const bySrv = fromSrv(found, email);
      if (bySrv) {
        return { source: 'srv', settings: bySrv, notes: [`Found in ${domain}'s DNS SRV records (RFC 6186).`, ...trustNotes(bySrv, domain, mxHosts), ...notes] };
      }

      const urls = config.detect.autoconfigUrls.length > 0 ? config.detect.autoconfigUrls : DEFAULT_AUTOCONFIG_URLS;
      const lookup = resolver.httpLookup(config.blockPrivateNetworks);
      for (const template of urls) {
        if (abort.signal.aborted) break;
        const url = fillUrl(template, domain, email);
        const where = new URL(url).host;
        try {
          const xml = await bounded(fetchAutoconfig(url, { lookup, blockPrivate: config.blockPrivateNetworks, timeoutMs, signal: abort.signal }));
          const parsed = xml ? parseAutoconfig(xml, email) : null;
          const settings = parsed ? fromAutoconfig(parsed.outgoing, parsed.incoming, email) : null;
          // A file whose hostnames are not hostnames proposes nothing.
          if (settings && (settings.smtpHost || settings.incomingHost)) {
            return { source: 'autoconfig', settings, notes: [`Found in the autoconfig file at ${where}.`, ...trustNotes(settings, domain, mxHosts), ...notes] };
          }
          if (xml !== null) notes.push(`The autoconfig file at ${where} names no server this plugin can use.`);
        } catch (error) {
          notes.push(noteOf(`Autoconfig at ${where}`, error));
        }
      }
    } finally {
      clearTimeout(total);
      resolver.cancel();
    }
    if (timedOut) notes.push(`Detection stopped after ${totalTimeoutMs} ms.`);
    return {
      source: null,
      settings: {},
      notes: [`No settings found for ${domain}: choose a provider or enter them by hand.`, ...dedupe(notes)],
    };
  },
});

const dedupe = (list: string[]) => [...new Set(list)];

export default detectService;
export type DetectService = ReturnType<typeof detectService>;
