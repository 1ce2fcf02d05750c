/**
 * Runs the playground as a real `strapi start` child process (admin panel served), for the
 * browser tests. The admin panel must have been built (`npm run build:playground`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net';
import { ADMIN_PASSWORD, PLAYGROUND, ROOT, createDatabase, type Database } from './strapi';

export interface RunningStrapi {
  url: string;
  pid: number;
  db: Database;
  output: () => string;
  /** SIGTERM (a clean stop), and drops the database unless `keepDatabase`. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
  /** SIGKILL: the process gets no chance to clean up. */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Run on this database (another instance's, or one a killed instance left) instead of a new one. */
  db?: Database;
  /** Serve the built admin panel (needs `npm run build:playground`). */
  admin?: boolean;
  /**
   * Run in a UTS namespace of its own with this host name (`unshare -u`): the name it greets SMTP
   * servers with (nodemailer's EHLO), so a relay tells instances apart.
   */
  hostname?: string;
  /**
   * Host names this instance alone resolves (`/etc/hosts` bind-mounted in a mount namespace of
   * its own), e.g. one mail server name to a different loopback address per instance, so the
   * mail server's log tells instances apart.
   */
  hosts?: Record<string, string>;
}

/** The command line, wrapped in `unshare` when the instance needs a namespace of its own. */
const command = (options: StartOptions): [string, string[]] => {
  const strapi = [process.execPath, path.join(ROOT, 'node_modules', '.bin', 'strapi'), 'start'];
  if (!options.hostname && !options.hosts) return [strapi[0], strapi.slice(1)];
  const setup: string[] = [];
  if (options.hostname) setup.push(`hostname ${options.hostname}`);
  if (options.hosts) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strapi-hosts-')), 'hosts');
    const extra = Object.entries(options.hosts).map(([name, address]) => `${address} ${name}`);
    fs.writeFileSync(file, `${fs.readFileSync('/etc/hosts', 'utf8')}\n${extra.join('\n')}\n`);
    setup.push(`mount --bind ${file} /etc/hosts`);
  }
  // unshare and sh both exec: the child's pid is Strapi's, so signals reach it.
  const flags = [...(options.hostname ? ['-u'] : []), ...(options.hosts ? ['-m'] : [])];
  return ['unshare', [...flags, '--', 'sh', '-ec', `${setup.join('; ')}; exec "$@"`, 'sh', ...strapi]];
};

export const startStrapiProcess = async (
  env: Record<string, string> = {},
  options: StartOptions = {}
): Promise<RunningStrapi> => {
  const admin = options.admin ?? true;
  if (admin && !fs.existsSync(path.join(PLAYGROUND, 'build', 'index.html'))) {
    throw new Error('The admin panel is not built: run `npm run build:playground` first.');
  }
  const port = await freePort();
  const db = options.db ?? (await createDatabase());
  let output = '';
  const [file, args] = command(options);
  const child: ChildProcess = spawn(file, args, {
    cwd: PLAYGROUND,
    env: {
      ...process.env,
      ...db.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      STRAPI_TELEMETRY_DISABLED: 'true',
      STRAPI_DISABLE_UPDATE_NOTIFICATION: 'true',
      STRAPI_LOG_LEVEL: 'warn',
      SERVE_ADMIN_PANEL: String(admin),
      APP_KEYS: 'testKeyA,testKeyB',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`strapi start exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/_health`);
      if (res.status === 204) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`strapi start did not answer in 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    pid: child.pid!,
    db,
    output: () => output,
    async stop({ keepDatabase = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!keepDatabase) await db.drop();
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
};

/** An admin JWT for a running instance (registers the first admin when there is none). */
export const adminToken = async (url: string) => {
  await fetch(`${url}/admin/register-admin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: ADMIN_PASSWORD, firstname: 'Ada', lastname: 'Admin' }),
  });
  const login = await fetch(`${url}/admin/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: ADMIN_PASSWORD }),
  });
  if (!login.ok) throw new Error(`admin login failed: ${await login.text()}`);
  return ((await login.json()) as any).data.token as string;
};

export const registerFirstAdmin = async (url: string, email = 'admin@example.com') => {
  const res = await fetch(`${url}/admin/register-admin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: ADMIN_PASSWORD, firstname: 'Ada', lastname: 'Admin' }),
  });
  if (!res.ok) throw new Error(`register-admin failed: ${res.status} ${await res.text()}`);
  return { email, password: ADMIN_PASSWORD };
};

/** The first admin of a fresh instance, and a JWT of theirs for API calls of the test's own. */
export const firstAdminWithToken = async (url: string) => {
  const { email, password } = await registerFirstAdmin(url);
  const login = await fetch(`${url}/admin/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { email, password, token: ((await login.json()) as any).data.token as string };
};

/** A JSON call to a running instance with an admin JWT. */
export const api = (url: string, token: string) => async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
};
