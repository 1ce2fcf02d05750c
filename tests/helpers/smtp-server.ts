/**
 * nodemailer's smtp-server on loopback, for what smtp-sink cannot do: AUTH accepted or refused,
 * STARTTLS and implicit TLS with a self-signed certificate, and scripted failures.
 */
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { freePort } from './net';
import type { ReceivedMail } from './smtp-sink';
import { selfSignedCert } from './tls';

export interface ScriptedSmtpOptions {
  /** 'tls' = implicit TLS; 'starttls' = offers STARTTLS; 'plain' = no TLS at all. */
  mode?: 'tls' | 'starttls' | 'plain';
  /** Require AUTH with these credentials. */
  auth?: { username: string; password: string };
  /**
   * Require AUTH XOAUTH2 only (as Gmail and Exchange Online do for OAuth apps): the user must be
   * `user` and the bearer token one `isActive` accepts (the loopback OAuth server's check). A
   * refused token gets the 334 challenge Gmail sends, so the client may renew and try again.
   */
  oauth?: { user: string; isActive(accessToken: string): boolean };
  /** Close the connection after each accepted message, so the next one logs in anew. */
  closeAfterMessage?: boolean;
  /** Reply to RCPT TO for this address with an error (e.g. 550, 451, 421). */
  rcptError?: (address: string) => { code: number; message: string } | undefined;
  /** Answer the greeting with this error and close (e.g. 421 "too busy"). */
  connectError?: { code: number; message: string };
  /** Answer AUTH with this error (e.g. 454 "temporary authentication failure"). */
  authError?: { code: number; message: string };
  /** Reply to MAIL FROM with an error (a relay refusing the sender, or over its quota). */
  mailFromError?: { code: number; message: string };
  /** Drop the connection when DATA arrives (for every mail, or those this says). */
  dropOnData?: boolean | ((rcptTo: string[]) => boolean);
  /**
   * Take the whole message (it is in `received`), then drop the connection instead of answering
   * 250: a relay that delivered the mail but whose reply was lost.
   */
  dropAfterData?: boolean;
}

export interface ScriptedSmtp {
  port: number;
  received: ReceivedMail[];
  connections: number;
  /** Connections open now (a closed one is gone from both sides). */
  open: number;
  authAttempts: Array<{ username: string; ok: boolean; method?: string }>;
  stop(): Promise<void>;
}

export const startSmtpServer = async (options: ScriptedSmtpOptions = {}): Promise<ScriptedSmtp> => {
  const port = await freePort();
  const mode = options.mode ?? 'plain';
  const state: ScriptedSmtp = { port, received: [], connections: 0, open: 0, authAttempts: [], stop: async () => undefined };
  const cert = mode === 'plain' ? undefined : selfSignedCert();

  const config: SMTPServerOptions = {
    secure: mode === 'tls',
    key: cert?.key,
    cert: cert?.cert,
    hideSTARTTLS: mode !== 'starttls',
    disabledCommands: [...(options.auth || options.oauth ? [] : ['AUTH']), ...(mode === 'starttls' ? [] : ['STARTTLS'])],
    authOptional: !options.auth && !options.oauth,
    ...(options.oauth ? { authMethods: ['XOAUTH2'] } : {}),
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      state.connections += 1;
      state.open += 1;
      const error = options.connectError;
      if (error) return callback(Object.assign(new Error(error.message), { responseCode: error.code }));
      callback();
    },
    onClose() {
      state.open -= 1;
    },
    onAuth(auth, _session, callback) {
      if (options.oauth) {
        const ok = auth.method === 'XOAUTH2' && auth.username === options.oauth.user && options.oauth.isActive(auth.accessToken ?? '');
        state.authAttempts.push({ username: auth.username ?? '', ok, method: auth.method });
        if (!ok) return callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } } as any);
        return callback(null, { user: auth.username });
      }
      const ok = auth.username === options.auth?.username && auth.password === options.auth?.password;
      state.authAttempts.push({ username: auth.username ?? '', ok });
      if (options.authError) return callback(Object.assign(new Error(options.authError.message), { responseCode: options.authError.code }));
      if (!ok) return callback(new Error('Invalid username or password'));
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, _session, callback) {
      const error = options.mailFromError;
      if (error) return callback(Object.assign(new Error(error.message), { responseCode: error.code }));
      callback();
    },
    onRcptTo(address, _session, callback) {
      const error = options.rcptError?.(address.address);
      if (error) return callback(Object.assign(new Error(error.message), { responseCode: error.code }));
      callback();
    },
    onData(stream, session, callback) {
      const drop = typeof options.dropOnData === 'function' ? options.dropOnData(session.envelope.rcptTo.map((r) => r.address)) : options.dropOnData;
      if (drop) {
        stream.resume();
        for (const connection of (server as any).connections as Set<any>) {
          if (connection.id === session.id) connection._socket.destroy();
        }
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        state.received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          mail: await simpleParser(raw),
        });
        if (options.dropAfterData) {
          for (const connection of (server as any).connections as Set<any>) {
            if (connection.id === session.id) connection._socket.destroy();
          }
          return;
        }
        callback();
        if (options.closeAfterMessage) {
          // After the 250 reply is out: a relay that takes one message per connection.
          setImmediate(() => {
            for (const connection of (server as any).connections as Set<any>) {
              if (connection.id === session.id) connection._socket.end();
            }
          });
        }
      });
    },
  };
  const server = new SMTPServer(config);
  // smtp-server emits 'error' for client-side TLS failures; the test asserts on the client.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  // close() would wait up to 30 s for the clients' pooled connections to go away by themselves.
  state.stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const connection of (server as any).connections as Set<any>) connection._socket?.destroy();
    });
  return state;
};
