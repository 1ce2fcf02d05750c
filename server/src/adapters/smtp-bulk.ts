import { Readable } from 'node:stream';
import DKIM from 'nodemailer/lib/dkim';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import XOAuth2 from 'nodemailer/lib/xoauth2';
import type { DkimConfig } from './smtp';
import type { Credentials } from './types';

/**
 * Prebuilt messages over nodemailer's SMTP connection layer (SMTPConnection), for campaigns.
 *
 * `transporter.sendMail({ envelope, raw })` on a pool still builds a MailMessage, runs the plugin
 * stages and streams the raw buffer through a MimeNode per mail: on loopback that is two thirds
 * of the time a prebuilt message takes. Here each connection is nodemailer's own SMTPConnection
 * (TLS, STARTTLS, EHLO, AUTH, XOAUTH2, dot-stuffing, SIZE, its error codes), and what is ours is
 * only the pool around it: up to `maxConnections` connections, each sending one message after
 * another, renewed after `maxMessages`, reset after a refusal of one message, replaced after a
 * connection failure. A message whose connection had been idle and was dropped before a byte of
 * it went out is sent once more on a new connection (as nodemailer's pool does, `maxRequeues`).
 */
export interface BulkOptions {
  connection: Record<string, unknown>;
  auth?: Credentials | null;
  /** XOAUTH2: the account, and nodemailer's provision callback that hands out its tokens. */
  oauth2?: { user: string; provision: (user: string, renew: boolean, callback: (error: Error | null, token?: string) => void) => void } | null;
  dkim?: DkimConfig | null;
  maxConnections: number;
  maxMessages: number;
  maxRequeues: number;
  /** Connections with nothing to send are closed after this long. */
  idleMs?: number;
}

export interface Envelope {
  from: string;
  to: string[];
}

export interface BulkSender {
  send(envelope: Envelope, raw: Buffer): Promise<void>;
  close(): void;
}

interface Job {
  envelope: Envelope;
  raw: Buffer;
  requeues: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Lane {
  connection: any;
  messages: number;
  dead: boolean;
  idle: NodeJS.Timeout | null;
}

// The codes nodemailer's pool treats as the connection's fault, not the message's.
const TRANSIENT = /^(ECONNECTION|ETIMEDOUT|ESOCKET|ECONNRESET|EPIPE)$/;

export const createBulkSender = (options: BulkOptions): BulkSender => {
  const queue: Job[] = [];
  const lanes = new Set<Lane>();
  const idleLanes: Lane[] = [];
  let opening = 0;
  let closed = false;
  const dkim = options.dkim ? new DKIM(options.dkim as any) : null;
  // Per connection, as nodemailer's pool does: nodemailer's own XOAUTH2 (its retry with `renew`
  // after a refused token), asking our token source on every login instead of keeping a token
  // past its expiry for the whole campaign.
  const authFor = () =>
    options.oauth2
      ? { type: 'OAUTH2', user: options.oauth2.user, method: 'XOAUTH2', oauth2: Object.assign(new XOAuth2({ user: options.oauth2.user } as any), { provisionCallback: options.oauth2.provision }) }
      : options.auth
        ? { user: options.auth.username, credentials: { user: options.auth.username, pass: options.auth.password } }
        : null;

  const drop = (lane: Lane) => {
    lane.dead = true;
    if (lane.idle) clearTimeout(lane.idle);
    lanes.delete(lane);
    const at = idleLanes.indexOf(lane);
    if (at >= 0) idleLanes.splice(at, 1);
    try {
      lane.connection.close();
    } catch {
      // already closed
    }
  };

  /** Connects, upgrades and logs in as nodemailer's pool does (AUTH only where offered). */
  const open = () =>
    new Promise<Lane>((resolve, reject) => {
      const connection = new (SMTPConnection as any)(options.connection);
      const lane: Lane = { connection, messages: 0, dead: false, idle: null };
      let settled = false;
      const fail = (error: unknown) => {
        lane.dead = true;
        if (settled) return;
        settled = true;
        try {
          connection.close();
        } catch {
          // already closed
        }
        reject(error);
      };
      // After the login, an error belongs to the send in flight (its callback gets it) or, idle,
      // means the server dropped the connection: the lane is dead either way.
      connection.on('error', (error: unknown) => (settled ? (lane.dead = true) : fail(error)));
      connection.once('end', () => {
        lane.dead = true;
        if (!settled) fail(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION', command: 'CONN' }));
        // Closed while idle (the server's idle timeout): a send in flight learns it from its callback.
        else if (idleLanes.includes(lane)) drop(lane);
      });
      connection.connect((error: unknown) => {
        if (settled) return;
        if (error) return fail(error);
        const done = () => {
          settled = true;
          resolve(lane);
        };
        const auth = authFor();
        if (auth && connection.allowsAuth) {
          connection.login(auth, (loginError: unknown) => (loginError ? fail(loginError) : done()));
        } else done();
      });
    });

  const sendOn = (lane: Lane, job: Job) => {
    const signed = dkim ? (dkim.sign(job.raw) as unknown as Readable) : null;
    let started = false;
    const body = signed ?? new Readable({ read() {
      started = true;
      this.push(job.raw);
      this.push(null);
    } });
    lane.messages++;
    lane.connection.send({ ...job.envelope, size: job.raw.length }, body, (error: any) => {
      if (!error) {
        job.resolve();
        return release(lane);
      }
      const reused = lane.messages > 1;
      if ((error.code === 'EENVELOPE' || error.code === 'EMESSAGE') && error.responseCode !== 421 && !lane.dead) {
        // The server refused this message; the session is fine once reset.
        job.reject(error);
        lane.connection.reset((resetError: unknown) => (resetError ? (drop(lane), pump()) : release(lane)));
        return;
      }
      drop(lane);
      if (reused && !started && !signed && TRANSIENT.test(String(error.code)) && job.requeues < options.maxRequeues) {
        job.requeues++;
        queue.unshift(job);
      } else job.reject(error);
      pump();
    });
  };

  const release = (lane: Lane) => {
    if (lane.dead) return pump();
    if (lane.messages >= options.maxMessages) {
      drop(lane);
      return pump();
    }
    const job = queue.shift();
    if (job) return sendOn(lane, job);
    idleLanes.push(lane);
    lane.idle = setTimeout(() => drop(lane), options.idleMs ?? 5_000);
    lane.idle.unref?.();
  };

  /** Hands queued jobs to idle lanes, and opens lanes up to the limit while jobs wait. */
  const pump = (): void => {
    if (closed) return;
    while (queue.length > 0 && idleLanes.length > 0) {
      const lane = idleLanes.shift()!;
      if (lane.idle) clearTimeout(lane.idle);
      lane.idle = null;
      if (lane.dead) continue;
      sendOn(lane, queue.shift()!);
    }
    while (queue.length > opening && lanes.size + opening < options.maxConnections) {
      opening++;
      open().then(
        (lane) => {
          opening--;
          if (closed) return lane.connection.close();
          lanes.add(lane);
          release(lane);
        },
        (error) => {
          opening--;
          // No connection to be had: what waits for one fails with the reason (every message
          // would meet the same), unless a lane that is up, or one still opening, will take it.
          // Nothing is opened again here: that would retry a refusing server without end.
          // A server that closed the connection before its greeting gets one more connection per
          // message, up to `maxRequeues`, as nodemailer's pool gives it (a refusal gets none).
          if (lanes.size > 0 || opening > 0) return;
          const closedEarly = (error as any)?.code === 'ECONNECTION' && !(error as any)?.originalCode;
          const again = closedEarly ? queue.filter((job) => job.requeues < options.maxRequeues) : [];
          for (const job of queue.splice(0)) if (!again.includes(job)) job.reject(error);
          for (const job of again) job.requeues++;
          queue.push(...again);
          pump();
        }
      );
    }
  };

  return {
    send(envelope, raw) {
      if (closed) return Promise.reject(Object.assign(new Error('The connection pool was closed.'), { code: 'ECONNECTION' }));
      return new Promise<void>((resolve, reject) => {
        queue.push({ envelope, raw, requeues: 0, resolve, reject });
        pump();
      });
    },
    close() {
      closed = true;
      for (const lane of [...lanes]) drop(lane);
      for (const job of queue.splice(0)) job.reject(Object.assign(new Error('The connection pool was closed.'), { code: 'ECONNECTION' }));
    },
  };
};
