/**
 * A loopback DNS server over UDP for "Detect settings": answers A, AAAA, MX and SRV queries for
 * the names it is given, NXDOMAIN for any other name, and an empty NOERROR answer for a name that
 * exists without that record type, as an authoritative server does. It checks each query as a
 * real server would (one question, class IN, a well-formed name) and answers FORMERR otherwise.
 * `silent` makes it read queries and answer none, like a server behind a firewall that drops them.
 */
import dgram from 'node:dgram';
import { freePort } from './net';

export interface DnsRecords {
  A?: string[];
  AAAA?: string[];
  MX?: Array<{ exchange: string; priority: number }>;
  SRV?: Array<{ priority: number; weight: number; port: number; target: string }>;
}

export interface DnsQuery {
  name: string;
  type: string;
}

export interface FakeDns {
  /** '127.0.0.1:port', for config.detect.dnsServers. */
  address: string;
  port: number;
  /** Every query received, in order. */
  queries: DnsQuery[];
  set(name: string, records: DnsRecords): void;
  /** Drop every query from now on (true) or answer again (false). */
  setSilent(silent: boolean): void;
  stop(): Promise<void>;
}

const TYPES: Record<number, string> = { 1: 'A', 28: 'AAAA', 15: 'MX', 33: 'SRV' };
const CODES = Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [v, Number(k)])) as Record<string, number>;

const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32 = (n: number) => Buffer.from([(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

/** A name as DNS labels, without compression; "." is the root (a single zero byte). */
const encodeName = (name: string) => {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
};

const ipv6Bytes = (address: string) => {
  const [head, tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.concat(groups.map((g) => u16(parseInt(g, 16))));
};

const rdata = (type: string, record: any): Buffer => {
  if (type === 'A') return Buffer.from(String(record).split('.').map(Number));
  if (type === 'AAAA') return ipv6Bytes(String(record));
  if (type === 'MX') return Buffer.concat([u16(record.priority), encodeName(record.exchange)]);
  return Buffer.concat([u16(record.priority), u16(record.weight), u16(record.port), encodeName(record.target)]);
};

/** The question of a query: its name (lower-cased), type and class, and where it ends. */
const parseQuestion = (msg: Buffer) => {
  let offset = 12;
  const labels: string[] = [];
  for (;;) {
    const len = msg[offset];
    if (len === undefined || len > 63) throw new Error('bad name');
    offset += 1;
    if (len === 0) break;
    labels.push(msg.subarray(offset, offset + len).toString('ascii'));
    offset += len;
  }
  if (offset + 4 > msg.length) throw new Error('short question');
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(offset), klass: msg.readUInt16BE(offset + 2), end: offset + 4 };
};

export const startDnsServer = async (initial: Record<string, DnsRecords> = {}): Promise<FakeDns> => {
  const zone = new Map<string, DnsRecords>(Object.entries(initial).map(([k, v]) => [k.toLowerCase(), v]));
  const queries: DnsQuery[] = [];
  let silent = false;
  const socket = dgram.createSocket('udp4');

  socket.on('message', (msg, peer) => {
    if (msg.length < 12 || silent) return;
    const id = msg.readUInt16BE(0);
    const flags = msg.readUInt16BE(2);
    const reply = (rcode: number, question: Buffer, answers: Buffer[]) => {
      // QR, the query's opcode and RD, AA (we are the zone's server), RA.
      const out = Buffer.concat([u16(id), u16(0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | rcode), u16(question.length ? 1 : 0), u16(answers.length), u16(0), u16(0), question, ...answers]);
      socket.send(out, peer.port, peer.address);
    };
    let q: ReturnType<typeof parseQuestion>;
    try {
      if ((flags & 0x8000) !== 0 || msg.readUInt16BE(4) !== 1) throw new Error('not one query');
      q = parseQuestion(msg);
      if (q.klass !== 1) throw new Error('not class IN');
    } catch {
      return reply(1, Buffer.alloc(0), []);
    }
    const type = TYPES[q.type] ?? String(q.type);
    queries.push({ name: q.name, type });
    const question = msg.subarray(12, q.end);
    const records = zone.get(q.name);
    if (!records) return reply(3, question, []);
    const list = ((records as any)[type] ?? []) as unknown[];
    // Each answer names the question's name by a pointer to offset 12 (0xC00C).
    const answers = list.map((r) => {
      const data = rdata(type, r);
      return Buffer.concat([u16(0xc00c), u16(CODES[type]), u16(1), u32(60), u16(data.length), data]);
    });
    reply(0, question, answers);
  });

  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });

  return {
    address: `127.0.0.1:${port}`,
    port,
    queries,
    set(name, records) {
      zone.set(name.toLowerCase(), records);
    },
    setSilent(value) {
      silent = value;
    },
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
};
