/**
 * Postfix's smtp-sink on loopback: a real SMTP server that accepts everything and dumps each
 * message (with its envelope) to a file, read back here with mailparser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { freePort, waitForPort, waitUntil } from './net';

export interface ReceivedMail {
  mailFrom: string;
  rcptTo: string[];
  raw: string;
  mail: ParsedMail;
}

export interface SmtpSink {
  port: number;
  messages(): Promise<ReceivedMail[]>;
  /** How many mails arrived, without parsing them. */
  count(): number;
  /** One header's value in every mail, read without parsing the bodies (for thousands of mails). */
  headerValues(name: string): string[];
  /** How many mails arrived in each second (smtp-sink names its dump files by arrival time). */
  perSecond(): number[];
  /**
   * When each mail arrived, in epoch ms: the dump file's mtime, which smtp-sink sets when it
   * writes the end of the message. The sink's own clock, not the test's.
   */
  arrivals(): number[];
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  clear(): void;
  stop(): Promise<void>;
}

export const parseDump = async (raw: string): Promise<ReceivedMail> => {
  const lines = raw.split(/\r?\n/);
  let i = 0;
  let mailFrom = '';
  const rcptTo: string[] = [];
  for (; i < lines.length && /^X-(Client|Helo|Mail|Rcpt)-/.test(lines[i]); i++) {
    const [name, value] = [lines[i].slice(0, lines[i].indexOf(':')), lines[i].slice(lines[i].indexOf(':') + 1).trim()];
    const address = value.replace(/^<|>.*$/g, '');
    if (name === 'X-Mail-Args') mailFrom = address;
    if (name === 'X-Rcpt-Args') rcptTo.push(address);
  }
  const message = lines.slice(i).join('\r\n');
  return { mailFrom, rcptTo, raw: message, mail: await simpleParser(message) };
};

export const startSmtpSink = async (): Promise<SmtpSink> => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smtp-sink-'));
  fs.chmodSync(dir, 0o777);
  // smtp-sink refuses to run as root; vmail is created by scripts/setup.sh.
  const child: ChildProcess = spawn('smtp-sink', ['-u', 'vmail', '-d', `${dir}/%Y%m%d%H%M%S.`, `127.0.0.1:${port}`, '256'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await waitForPort(port).catch((e) => {
    throw new Error(`smtp-sink did not start: ${stderr || e.message}`);
  });

  /** Dump files smtp-sink still holds open: their transaction has not ended yet. */
  const open = () => {
    const fds = `/proc/${child.pid}/fd`;
    const paths = new Set<string>();
    for (const fd of fs.existsSync(fds) ? fs.readdirSync(fds) : []) {
      try {
        paths.add(path.basename(fs.readlinkSync(path.join(fds, fd))));
      } catch {
        // closed meanwhile
      }
    }
    return paths;
  };
  // Only whole mails: listed first, then the ones still open dropped, so a file closed in between
  // counts and one opened in between was not listed.
  const files = () => {
    const listed = fs.readdirSync(dir).sort();
    const writing = open();
    return listed.filter((f) => !writing.has(f));
  };
  const sink: SmtpSink = {
    port,
    async messages() {
      return Promise.all(files().map((f) => parseDump(fs.readFileSync(path.join(dir, f), 'latin1'))));
    },
    count: () => files().length,
    perSecond() {
      const buckets = new Map<string, number>();
      for (const f of files()) buckets.set(f.slice(0, 14), (buckets.get(f.slice(0, 14)) ?? 0) + 1);
      return [...buckets.values()];
    },
    arrivals: () => files().map((f) => fs.statSync(path.join(dir, f)).mtimeMs),
    headerValues(name) {
      const pattern = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im');
      return files().map((f) => {
        const text = fs.readFileSync(path.join(dir, f), 'latin1');
        const head = text.slice(0, text.search(/\r?\n\r?\n/));
        return pattern.exec(head)?.[1]?.trim() ?? '';
      });
    },
    async waitForMessages(count, timeoutMs = 10_000) {
      await waitUntil(() => files().length >= count, timeoutMs, `${count} messages at smtp-sink`);
      return sink.messages();
    },
    clear() {
      for (const f of files()) fs.rmSync(path.join(dir, f));
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return sink;
};
