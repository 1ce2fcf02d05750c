/**
 * Boots the playground Strapi app in the test process with the built plugin, on a database of
 * its own: a temporary SQLite file, or a fresh PostgreSQL database when TEST_DB=postgres.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStrapi } from '@strapi/strapi';
import type { Core } from '@strapi/strapi';
import { Client } from 'pg';
import request from 'supertest';

export const ROOT = path.resolve(__dirname, '..', '..');
export const PLAYGROUND = path.join(ROOT, 'playground');

// better-sqlite3 ships no types and @types/better-sqlite3 is not a dependency: the little used here.
type SqliteDatabase = { prepare(sql: string): { all(...params: unknown[]): any[] }; close(): void };
// eslint-disable-next-line @typescript-eslint/no-var-requires
const Sqlite = require('better-sqlite3') as new (file: string, options: { fileMustExist: boolean }) => SqliteDatabase;

export const ADMIN_PASSWORD = 'Test-password-1';

export interface Database {
  client: 'sqlite' | 'postgres';
  env: Record<string, string>;
  /** The SQLite file, to look for plaintext secrets in it. */
  file?: string;
  /** Everything stored, as text: the SQLite file's bytes or a dump of every PostgreSQL table. */
  dump(strapi: Core.Strapi): Promise<string>;
  /** Rows of one SQL query, read with a connection of the test's own (the app may be down or killed). */
  query(sql: string, params?: unknown[]): Promise<any[]>;
  drop(): Promise<void>;
}

const pgConfig = () => ({
  host: process.env.TEST_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_PG_PORT ?? 55432),
  user: process.env.TEST_PG_USER ?? 'postgres',
  password: process.env.TEST_PG_PASSWORD ?? '',
});

/** The database the tests run on; anything but the two it knows is a mistake, not SQLite. */
export const testDb = (): 'sqlite' | 'postgres' => {
  const value = process.env.TEST_DB;
  if (value === undefined || value === '' || value === 'sqlite') return 'sqlite';
  if (value === 'postgres') return 'postgres';
  throw new Error(`TEST_DB must be "sqlite" or "postgres", not "${value}".`);
};

export const createDatabase = async (): Promise<Database> => {
  const id = `${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (testDb() === 'postgres') {
    const config = pgConfig();
    const name = `email_server_test_${id}`;
    const admin = new Client({ ...config, database: 'postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return {
      client: 'postgres',
      env: {
        DATABASE_CLIENT: 'postgres',
        DATABASE_HOST: config.host,
        DATABASE_PORT: String(config.port),
        DATABASE_NAME: name,
        DATABASE_USERNAME: config.user,
        DATABASE_PASSWORD: config.password,
      },
      async dump(strapi) {
        const tables = await strapi.db.connection.raw(
          "select tablename from pg_tables where schemaname = 'public'"
        );
        let out = '';
        for (const { tablename } of tables.rows) {
          const rows = await strapi.db.connection.raw(`select * from "${tablename}"`);
          out += JSON.stringify(rows.rows);
        }
        return out;
      },
      async query(sql, params = []) {
        const client = new Client({ ...config, database: name });
        await client.connect();
        try {
          // Positional parameters are written `?` for both databases.
          let n = 0;
          return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows;
        } finally {
          await client.end();
        }
      },
      async drop() {
        const client = new Client({ ...config, database: 'postgres' });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const file = path.join(os.tmpdir(), `email-server-test-${id}.db`);
  return {
    client: 'sqlite',
    file,
    env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file },
    async dump() {
      // SQLite keeps recent writes in the -wal file until a checkpoint: read both.
      return [file, `${file}-wal`]
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'))
        .join('');
    },
    async query(sql, params = []) {
      // Not read-only: after a SIGKILL the WAL may need recovering, which a read-only connection cannot do.
      const sqlite = new Sqlite(file, { fileMustExist: true });
      try {
        return sqlite.prepare(sql).all(...params);
      } finally {
        sqlite.close();
      }
    },
    async drop() {
      for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
    },
  };
};

export interface TestApp {
  strapi: Core.Strapi;
  db: Database;
  http: ReturnType<typeof request>;
  /** JWT of the super admin registered at boot. */
  token: string;
  /** supertest with the super admin's token already set. */
  as(token?: string): {
    get(url: string): request.Test;
    post(url: string): request.Test;
    put(url: string): request.Test;
    delete(url: string): request.Test;
  };
  close(): Promise<void>;
}

const BASE_ENV = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  APP_KEYS: 'testKeyA,testKeyB',
  ADMIN_JWT_SECRET: 'test-admin-jwt-secret',
  API_TOKEN_SALT: 'test-api-token-salt',
  TRANSFER_TOKEN_SALT: 'test-transfer-token-salt',
  JWT_SECRET: 'test-jwt-secret',
  STRAPI_TELEMETRY_DISABLED: 'true',
  STRAPI_LOG_LEVEL: process.env.STRAPI_LOG_LEVEL ?? 'error',
  STRAPI_DISABLE_UPDATE_NOTIFICATION: 'true',
};

export const bootStrapi = async (env: Record<string, string | undefined> = {}): Promise<TestApp> => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'index.js'))) {
    throw new Error('The plugin is not built: run `npm run build` before the tests.');
  }
  const db = await createDatabase();
  for (const [key, value] of Object.entries({ ...BASE_ENV, ...db.env, ...env })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const strapi = await createStrapi({
    appDir: PLAYGROUND,
    distDir: PLAYGROUND,
    autoReload: false,
    serveAdminPanel: false,
  }).load();
  if (!strapi.plugin('email-server')) {
    throw new Error('Strapi started without the email-server plugin: is dist/server/index.js built?');
  }
  await strapi.server.mount();
  const http = request(strapi.server.httpServer);

  const registered = await http.post('/admin/register-admin').send({
    email: 'admin@example.com',
    password: ADMIN_PASSWORD,
    firstname: 'Ada',
    lastname: 'Admin',
  });
  if (registered.status !== 200) throw new Error(`register-admin failed: ${registered.text}`);
  const token = registered.body.data.token as string;

  const as = (t = token) => ({
    get: (url: string) => http.get(url).set('Authorization', `Bearer ${t}`),
    post: (url: string) => http.post(url).set('Authorization', `Bearer ${t}`),
    put: (url: string) => http.put(url).set('Authorization', `Bearer ${t}`),
    delete: (url: string) => http.delete(url).set('Authorization', `Bearer ${t}`),
  });

  return {
    strapi,
    db,
    http,
    token,
    as,
    async close() {
      await strapi.destroy();
      await db.drop();
    },
  };
};

/** A permission of a test role: an action alone, or with a subject (a content type) and its fields. */
export type TestPermission = string | { action: string; subject?: string; fields?: string[]; conditions?: string[] };

/**
 * Creates an admin whose only role has exactly `actions`, and returns a JWT for it.
 */
export const createLimitedAdmin = async (app: TestApp, actions: TestPermission[]): Promise<string> => {
  const suffix = crypto.randomBytes(4).toString('hex');
  const role = await app.strapi.service('admin::role').create({
    name: `Limited ${suffix}`,
    description: 'Test role',
  });
  await app.strapi.service('admin::role').assignPermissions(
    role.id,
    actions.map((p) => (typeof p === 'string' ? { action: p } : p)).map(({ action, subject, fields, conditions }) => ({
      action,
      subject: subject ?? null,
      conditions: conditions ?? [],
      properties: fields ? { fields } : {},
    }))
  );
  const email = `limited-${suffix}@example.com`;
  await app.strapi.service('admin::user').create({
    email,
    firstname: 'Lim',
    lastname: 'Ited',
    password: ADMIN_PASSWORD,
    isActive: true,
    roles: [role.id],
  });
  const login = await app.http.post('/admin/login').send({ email, password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
  return login.body.data.token;
};
