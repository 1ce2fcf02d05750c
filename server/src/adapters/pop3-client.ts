import net from 'node:net';
import tls from 'node:tls';
import type { Endpoint } from './types';
import { usesToken, xoauth2Response, type IncomingAuth, type TokenCredentials } from './xoauth2';

/**
 * A small POP3 client (RFC 1939, STLS from RFC 2595). Written here because the npm clients
 * compared do not fit: node-pop3 0.11 has no STLS and keeps the socket open after a failed
 * login, poplib 0.1.7 and yapople 0.4 are unmaintained. It does only what the poller needs:
 * login, UIDL, RETR, DELE and QUIT, each bounded by a timeout, and it always closes its socket.
 * Nor does any maintained POP3 library log in with OAuth2, so XOAUTH2 (AUTH from RFC 5034 with
 * an initial response) is done here too.
 */
export class Pop3Error extends Error {
  constructor(message: string, public readonly code?: string) {
    super(message);
    this.name = 'Pop3Error';
  }
}

type Socket = net.Socket | tls.TLSSocket;

export class Pop3Client {
  private socket: Socket | null = null;
  // Received bytes as chunks: joining them on every read would copy a 25 MB mail ~1,700 times.
  private chunks: Buffer[] = [];
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(private readonly endpoint: Endpoint, private readonly timeoutMs = 15_000) {}

  private tlsOptions(socket?: net.Socket): tls.ConnectionOptions {
    const { host, port, rejectUnauthorized } = this.endpoint;
    return { host, port, socket, rejectUnauthorized, servername: net.isIP(host) ? undefined : host };
  }

  private attach(socket: Socket) {
    this.socket = socket;
    // Decoded here, not with setEncoding: a STLS upgrade wraps this very socket, and TLS needs
    // it to keep yielding Buffers.
    socket.setTimeout(this.timeoutMs, () => this.fail(Object.assign(new Error('POP3 timed out'), { code: 'ETIMEDOUT' })));
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.waiter?.();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(Object.assign(new Error('POP3 connection closed'), { code: 'ECONNRESET' })));
  }

  private fail(error: Error) {
    if (!this.failure) this.failure = error;
    this.waiter?.();
  }

  private async waitFor<T>(take: () => T | undefined): Promise<T> {
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = null;
    }
  }

  private readLine() {
    return this.waitFor(() => {
      if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
      const first = this.chunks[0];
      const end = first ? first.indexOf('\r\n') : -1;
      if (end < 0) return undefined;
      this.chunks = first.length > end + 2 ? [first.subarray(end + 2)] : [];
      return first.subarray(0, end).toString('latin1');
    });
  }

  /** A multi-line body up to the lone ".", dot-unstuffed, as a latin1 string. */
  private readBlock() {
    // Only the chunks that arrived since the last look are scanned, with 4 bytes of overlap.
    let scannedChunks = 0;
    let scannedBytes = 0;
    let carry = Buffer.alloc(0);
    return this.waitFor(() => {
      if (scannedChunks === 0 && this.chunks[0]?.subarray(0, 3).toString('latin1') === '.\r\n') {
        const all = Buffer.concat(this.chunks);
        this.chunks = all.length > 3 ? [all.subarray(3)] : [];
        return '';
      }
      for (; scannedChunks < this.chunks.length; scannedChunks++) {
        const chunk = this.chunks[scannedChunks];
        const window = Buffer.concat([carry, chunk]);
        const hit = window.indexOf('\r\n.\r\n');
        if (hit >= 0) {
          const end = scannedBytes - carry.length + hit;
          const all = Buffer.concat(this.chunks);
          this.chunks = all.length > end + 5 ? [all.subarray(end + 5)] : [];
          return all.subarray(0, end + 2).toString('latin1').replace(/^\.\./gm, '.');
        }
        scannedBytes += chunk.length;
        carry = window.subarray(Math.max(0, window.length - 4));
      }
      return undefined;
    });
  }

  private async status(what: string): Promise<string> {
    return this.expectOk(await this.readLine(), what);
  }

  private expectOk(line: string, what: string): string {
    if (!line.startsWith('+OK')) {
      // Not a POP3 reply at all: another service's banner, which is not repeated to anyone.
      if (!line.startsWith('-ERR')) throw new Pop3Error(`${what}: not a POP3 reply`, 'ENOTMAIL');
      throw new Pop3Error(`${what}: ${line.replace(/^-ERR\s*/, '') || 'refused'}`, what === 'PASS' || what === 'AUTH' ? 'EAUTH' : undefined);
    }
    return line;
  }

  private async command(line: string, what = line.split(' ')[0]): Promise<string> {
    this.socket!.write(`${line}\r\n`);
    return this.status(what);
  }

  /**
   * AUTH XOAUTH2 with the token in the initial response. A refused token is answered with a
   * "+ <base64 JSON error>" challenge; the client must send an empty line, then gets the -ERR.
   * The token is only ever written to the socket, never into an error.
   */
  private async xoauth2(credentials: TokenCredentials): Promise<void> {
    this.socket!.write(`AUTH XOAUTH2 ${xoauth2Response(credentials)}\r\n`);
    const line = await this.readLine();
    if (line !== '+' && !line.startsWith('+ ')) {
      this.expectOk(line, 'AUTH');
      return;
    }
    // The challenge's JSON (status, scope) is not passed on: the -ERR that follows says enough.
    this.socket!.write('\r\n');
    await this.status('AUTH');
  }

  async connect(credentials: IncomingAuth): Promise<void> {
    const { host, port, security } = this.endpoint;
    const connected = new Promise<void>((resolve) => {
      const socket =
        security === 'tls' ? tls.connect(this.tlsOptions(), resolve) : net.connect({ host, port }, resolve);
      this.attach(socket);
    });
    await Promise.race([connected, this.waitFor(() => undefined)]);
    await this.status('greeting');
    if (security === 'starttls') {
      await this.command('STLS');
      const plain = this.socket as net.Socket;
      plain.removeAllListeners('data');
      plain.removeAllListeners('close');
      plain.removeAllListeners('timeout');
      plain.setTimeout(0);
      // The handshake is bounded like every other step: a server that stalls in it fails the fetch.
      const secured = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const s = tls.connect(this.tlsOptions(plain), () => {
          clearTimeout(timer);
          resolve(s);
        });
        const timer = setTimeout(() => {
          s.destroy();
          plain.destroy();
          reject(Object.assign(new Error('POP3 STLS handshake timed out'), { code: 'ETIMEDOUT' }));
        }, this.timeoutMs);
        s.once('error', (error) => {
          clearTimeout(timer);
          plain.destroy();
          reject(error);
        });
      });
      this.chunks = [];
      this.attach(secured);
    }
    if (usesToken(credentials)) return this.xoauth2(credentials);
    await this.command(`USER ${credentials.username}`, 'USER');
    await this.command(`PASS ${credentials.password}`, 'PASS');
  }

  /** [message number, unique id] for every message in the maildrop. */
  async uidl(): Promise<Array<{ number: number; uid: string }>> {
    await this.command('UIDL');
    const body = await this.readBlock();
    return body
      .split('\r\n')
      .filter(Boolean)
      .map((line) => {
        const [n, uid] = line.split(' ');
        return { number: Number(n), uid };
      });
  }

  /** [message number, size in octets] for every message. */
  async list(): Promise<Map<number, number>> {
    await this.command('LIST');
    const body = await this.readBlock();
    return new Map(
      body
        .split('\r\n')
        .filter(Boolean)
        .map((line) => line.split(' ').map(Number) as [number, number])
    );
  }

  /** The headers of a message (TOP n 0), for mails too large to fetch whole. */
  async top(number: number, lines = 0): Promise<Buffer> {
    await this.command(`TOP ${number} ${lines}`);
    return Buffer.from(await this.readBlock(), 'latin1');
  }

  async retr(number: number): Promise<Buffer> {
    await this.command(`RETR ${number}`);
    return Buffer.from(await this.readBlock(), 'latin1');
  }

  async dele(number: number): Promise<void> {
    await this.command(`DELE ${number}`);
  }

  /** QUIT commits deletions; the socket is closed whatever happens. */
  async quit(): Promise<void> {
    try {
      if (this.socket && !this.failure) await this.command('QUIT');
    } finally {
      this.close();
    }
  }

  close() {
    this.socket?.destroy();
    this.socket = null;
  }
}
