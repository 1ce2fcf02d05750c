/**
 * The POP3 client's reading of replies, against a loopback server written here that plays a
 * scripted dialogue over a real socket: status lines, multi-line blocks and their dot-stuffing,
 * a block that spans many reads, and the refusals a person is told about.
 */
import net from 'node:net';
import { Pop3Client, Pop3Error } from '../pop3-client';

/**
 * What the server answers to one command line: the bytes to write, pieces to write one event-loop
 * turn apart (so they reach the client as separate reads), or nothing to stay silent.
 */
type Script = (command: string) => string | Buffer | string[] | undefined;

interface Dialogue {
  port: number;
  /** Every command line the client sent, in order. */
  received: string[];
  close: () => Promise<void>;
}

const sockets = new Set<net.Socket>();

/**
 * Writes each piece in a later turn of the event loop than the one before: two `setImmediate`s
 * put a poll phase, in which the client (in this same process) reads, between two writes.
 */
const writeApart = async (socket: net.Socket, pieces: string[]) => {
  socket.setNoDelay(true);
  for (const piece of pieces) {
    socket.write(piece);
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  }
};
let dialogue: Dialogue | undefined;

const serve = async (greeting: string, script: Script): Promise<Dialogue> => {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // the client closing first is not the server's concern
    socket.write(greeting);
    let pending = '';
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        received.push(line);
        const answer = script(line);
        if (Array.isArray(answer)) void writeApart(socket, answer);
        else if (answer !== undefined) socket.write(answer);
        if (line === 'QUIT') socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  dialogue = { port, received, close };
  return dialogue;
};

afterEach(async () => {
  await dialogue?.close();
  dialogue = undefined;
});

const client = (port: number, timeoutMs?: number) =>
  new Pop3Client({ host: '127.0.0.1', port, security: 'none', rejectUnauthorized: true }, timeoutMs);

/** A maildrop that logs anyone in with the password "secret". */
const maildrop =
  (answers: Record<string, string | Buffer | string[]> = {}): Script =>
  (line) => {
    if (line.startsWith('USER ')) return '+OK\r\n';
    if (line.startsWith('PASS ')) return line === 'PASS secret' ? '+OK logged in\r\n' : '-ERR [AUTH] Authentication failed.\r\n';
    if (line === 'QUIT') return '+OK bye\r\n';
    return answers[line] ?? '-ERR unknown command\r\n';
  };

const login = { username: 'agent@example.com', password: 'secret' };

it('logs in with USER and PASS and lists the maildrop by UIDL and LIST', async () => {
  const { port, received } = await serve(
    '+OK POP3 ready\r\n',
    maildrop({
      UIDL: '+OK\r\n1 000001a2\r\n2 uid-two\r\n.\r\n',
      LIST: '+OK 2 messages\r\n1 120\r\n2 34567\r\n.\r\n',
    })
  );
  const pop3 = client(port);
  await pop3.connect(login);
  expect(await pop3.uidl()).toEqual([
    { number: 1, uid: '000001a2' },
    { number: 2, uid: 'uid-two' },
  ]);
  expect(await pop3.list()).toEqual(
    new Map([
      [1, 120],
      [2, 34567],
    ])
  );
  await pop3.quit();
  expect(received).toEqual(['USER agent@example.com', 'PASS secret', 'UIDL', 'LIST', 'QUIT']);
});

it('reads an empty maildrop (a block that is only the terminating dot)', async () => {
  const { port } = await serve('+OK\r\n', maildrop({ UIDL: '+OK\r\n.\r\n', LIST: '+OK 0 messages\r\n.\r\n' }));
  const pop3 = client(port);
  await pop3.connect(login);
  expect(await pop3.uidl()).toEqual([]);
  expect(await pop3.list()).toEqual(new Map());
  await pop3.quit();
});

it('returns a message dot-unstuffed and byte for byte, and keeps reading after it', async () => {
  const mail = 'Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\nend of \xe9t\xe9\r\n';
  const stuffed = mail.replace(/^\./gm, '..');
  const { port } = await serve(
    '+OK\r\n',
    maildrop({
      'RETR 1': Buffer.from(`+OK ${mail.length} octets\r\n${stuffed}.\r\n`, 'latin1'),
      'TOP 1 0': '+OK\r\nSubject: dots\r\n\r\n.\r\n',
      'DELE 1': '+OK marked\r\n',
    })
  );
  const pop3 = client(port);
  await pop3.connect(login);
  expect((await pop3.retr(1)).toString('latin1')).toBe(mail);
  expect((await pop3.top(1)).toString('latin1')).toBe('Subject: dots\r\n\r\n');
  await pop3.dele(1);
  await pop3.quit();
});

it('reads a block of several megabytes that arrives over many reads', async () => {
  // Lines that start with a dot all through the body, so unstuffing and the search for the end
  // meet chunk boundaries wherever the socket splits them.
  const line = (i: number) => (i % 7 === 0 ? `.${'x'.repeat(60)}${i}` : `line ${i} ${'y'.repeat(70)}`);
  const lines = Array.from({ length: 40_000 }, (_, i) => line(i));
  const mail = `${lines.join('\r\n')}\r\n`;
  const stuffed = mail.replace(/^\./gm, '..');
  const { port } = await serve('+OK\r\n', maildrop({ 'RETR 1': `+OK\r\n${stuffed}.\r\n`, UIDL: '+OK\r\n1 a\r\n.\r\n' }));
  const pop3 = client(port);
  await pop3.connect(login);
  const body = await pop3.retr(1);
  expect(body.length).toBe(mail.length);
  expect(body.toString('latin1')).toBe(mail);
  expect(await pop3.uidl()).toEqual([{ number: 1, uid: 'a' }]);
  await pop3.quit();
});

it('finds the end of a block wherever the reads split the terminating line', async () => {
  const block = '+OK\r\n1 first\r\n2 second\r\n.\r\n';
  const end = block.length - 5; // where "\r\n.\r\n" starts
  for (let cut = end; cut <= block.length - 1; cut++) {
    const { port, close } = await serve('+OK\r\n', maildrop({ UIDL: [block.slice(0, cut), block.slice(cut)] }));
    const pop3 = client(port);
    await pop3.connect(login);
    expect(await pop3.uidl()).toEqual([
      { number: 1, uid: 'first' },
      { number: 2, uid: 'second' },
    ]);
    await pop3.quit();
    await close();
  }
});

it('keeps what arrives after a block for the next reply', async () => {
  // The LIST reply comes with the UIDL reply, in one write, before LIST is even sent.
  const { port } = await serve(
    '+OK\r\n',
    maildrop({ UIDL: '+OK\r\n1 a\r\n.\r\n+OK 1 message\r\n1 99\r\n.\r\n', LIST: '' })
  );
  const pop3 = client(port);
  await pop3.connect(login);
  expect(await pop3.uidl()).toEqual([{ number: 1, uid: 'a' }]);
  expect(await pop3.list()).toEqual(new Map([[1, 99]]));
  await pop3.quit();
});

it("reports a refused password as an authentication failure with the server's reason", async () => {
  const { port } = await serve('+OK\r\n', maildrop());
  const pop3 = client(port);
  const error = await pop3.connect({ ...login, password: 'wrong' }).catch((e) => e);
  expect(error).toBeInstanceOf(Pop3Error);
  expect(error.message).toBe('PASS: [AUTH] Authentication failed.');
  expect(error.code).toBe('EAUTH');
  pop3.close();
});

it('names the command a server refused', async () => {
  const { port } = await serve('+OK\r\n', maildrop({ 'RETR 9': '-ERR no such message\r\n', 'DELE 9': '-ERR\r\n' }));
  const pop3 = client(port);
  await pop3.connect(login);
  await expect(pop3.retr(9)).rejects.toMatchObject({ message: 'RETR: no such message', code: undefined });
  await expect(pop3.dele(9)).rejects.toMatchObject({ message: 'DELE: refused' });
  await pop3.quit();
});

it("does not repeat another service's banner", async () => {
  const { port } = await serve('SSH-2.0-OpenSSH_9.2p1 Debian\r\n', () => undefined);
  const pop3 = client(port);
  const error = await pop3.connect(login).catch((e) => e);
  expect(error).toBeInstanceOf(Pop3Error);
  expect(error.message).toBe('greeting: not a POP3 reply');
  expect(error.code).toBe('ENOTMAIL');
  pop3.close();
});

it('fails with a timeout when the server stops answering', async () => {
  const { port } = await serve('+OK\r\n', (line) => (line.startsWith('USER') ? '+OK\r\n' : undefined));
  const pop3 = client(port, 300);
  const error = await pop3.connect(login).catch((e) => e);
  expect(error).toMatchObject({ message: 'POP3 timed out', code: 'ETIMEDOUT' });
  pop3.close();
});

it('fails with a closed connection when the server hangs up mid-block', async () => {
  const { port } = await serve('+OK\r\n', (line) => {
    if (line.startsWith('USER') || line.startsWith('PASS')) return '+OK\r\n';
    for (const s of sockets) s.end('+OK\r\n1 a\r\n'); // no terminating dot
    return undefined;
  });
  const pop3 = client(port);
  await pop3.connect(login);
  await expect(pop3.uidl()).rejects.toMatchObject({ message: 'POP3 connection closed', code: 'ECONNRESET' });
  pop3.close();
});
