/**
 * A real Dovecot (IMAP and POP3, plain/STARTTLS and implicit TLS) on loopback, from its own
 * config file in a temp dir. Mail is put in with `doveadm save`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort, waitUntil } from './net';
import { selfSignedCert } from './tls';

export interface Dovecot {
  ports: { imap: number; imaps: number; pop3: number; pop3s: number };
  user: string;
  password: string;
  /** Delivers a raw RFC 5322 message to the user's INBOX. */
  deliver(raw: string | Buffer, user?: string): void;
  /** A mailbox no other test has used (password: MAILBOX_PASSWORD). */
  newMailbox(): string;
  /** Writes many mails straight into the user's Maildir (much faster than doveadm save). */
  deliverMany(raws: Array<string | Buffer>, user: string): void;
  /** Removes the user's mail store: the next access makes a new INBOX with a new UIDVALIDITY. */
  recreateInbox(user: string): void;
  /** The mails in a folder as Dovecot itself lists them (`doveadm fetch`), not as our clients see them. */
  messages(user: string, folder?: string): Array<{ uid: number; seen: boolean }>;
  /** The folder's UIDVALIDITY, from `doveadm mailbox status`. */
  uidValidity(user: string, folder?: string): string;
  /** Every mail of a folder with its flags and source, read with `doveadm fetch` (JSON). */
  folderMails(user: string, folder: string): Array<{ uid: number; flags: string[]; text: string }>;
  /** Dovecot's own log. */
  log(): string;
  /** Every login Dovecot logged, in order, joined with its logout line (see `parseSessions`). */
  sessions(user?: string): DovecotSession[];
  /** How many times a client tried to log in as this user, accepted or refused (auth_verbose logs each refusal at once). */
  loginAttempts(user: string): number;
  /** The SASL mechanism of each accepted login of this user, in order ('PLAIN', 'XOAUTH2', 'OAUTHBEARER'), from Dovecot's log. */
  loginMethods(user: string): string[];
  /** The Subject of every mail in the user's INBOX, read with `doveadm` (not our own clients). */
  subjectsInMailbox(user: string): string[];
  /** The user's Maildir on disk, to tamper with a mail file underneath Dovecot. */
  maildir(user: string): string;
  /** Changes a user's password on the Dovecot side (an account reset by its mail provider);
   * resolves once Dovecot's auth takes the new one. */
  setPassword(user: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

export interface DovecotSession {
  protocol: 'imap' | 'pop3';
  user: string;
  /** The address the client connected to: tells apart clients that reach Dovecot on different loopback addresses. */
  lip: string;
  session: string;
  /** Set once the session logged out: how many mail bodies it fetched (IMAP body_count, POP3 RETR). */
  fetched?: number;
}

/** Joins Dovecot's "Login:" lines (which carry lip and the session id) with the session's logout line. */
export const parseSessions = (log: string): DovecotSession[] => {
  const sessions: DovecotSession[] = [];
  const bySession = new Map<string, DovecotSession>();
  for (const line of log.split('\n')) {
    const login = /(imap|pop3)-login: (?:Info: )?Login: user=<([^>]*)>.*?\blip=([\d.]+).*?session=<([^>]+)>/.exec(line);
    if (login) {
      const s: DovecotSession = { protocol: login[1] as 'imap' | 'pop3', user: login[2], lip: login[3], session: login[4] };
      sessions.push(s);
      bySession.set(s.session, s);
      continue;
    }
    const logout = /(imap|pop3)\([^)]*\)<\d+><([^>]+)>: (?:Info: )?Disconnected: (.*)$/.exec(line);
    const s = logout && bySession.get(logout[2]);
    if (s && logout) {
      const counts = logout[1] === 'imap' ? /body_count=(\d+)/.exec(logout[3]) : /retr=(\d+)\//.exec(logout[3]);
      s.fetched = Number(counts?.[1] ?? 0);
    }
  }
  return sessions;
};

/** The password of every mailbox of a Dovecot started here. */
export const MAILBOX_PASSWORD = 'Imap-Password-1';

/**
 * The incoming half of a server body: `mailbox` of this Dovecot over plain IMAP or POP3 (spread
 * overrides after it for STARTTLS or TLS).
 */
export const incomingFrom = (dovecot: Pick<Dovecot, 'ports'>, mailbox: string, protocol: 'imap' | 'pop3' = 'imap') => ({
  incomingProtocol: protocol,
  incomingHost: '127.0.0.1',
  incomingPort: protocol === 'imap' ? dovecot.ports.imap : dovecot.ports.pop3,
  incomingSecurity: 'none',
  incomingUsername: mailbox,
  incomingPassword: MAILBOX_PASSWORD,
});

export interface DovecotFolder {
  name: string;
  /** e.g. '\\Sent': the folder's SPECIAL-USE flag (RFC 6154). */
  specialUse?: string;
}

export interface DovecotOAuth {
  /** RFC 7662 endpoint Dovecot asks about each token (the loopback stand-in's `introspectionUrl`). */
  introspectionUrl: string;
  /** The SASL mechanisms offered for tokens (default both): imapflow prefers OAUTHBEARER when offered. */
  mechanisms?: Array<'xoauth2' | 'oauthbearer'>;
}

/**
 * Dovecot's oauth2 passdb (2.3: https://doc.dovecot.org/2.3/configuration_manual/authentication/oauth2/):
 * each XOAUTH2 / OAUTHBEARER login POSTs `token=...` to the introspection URL and is accepted
 * only while it answers `active: true` with an `email` equal to the login name. Nothing is
 * cached (auth_cache_size stays 0), so an expired or revoked token is refused at once.
 */
const oauth2PassdbArgs = (oauth: DovecotOAuth) => `introspection_mode = post
introspection_url = ${oauth.introspectionUrl}
force_introspection = yes
username_attribute = email
active_attribute = active
active_value = true
`;

export const startDovecot = async (
  options: {
    addresses?: string[];
    folders?: DovecotFolder[];
    /** Also take XOAUTH2 and OAUTHBEARER logins, checked at this OAuth2 server; passwords still work. */
    oauth?: DovecotOAuth;
  } = {}
): Promise<Dovecot> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-'));
  fs.chmodSync(dir, 0o755);
  const cert = selfSignedCert();
  const ports = { imap: await freePort(), imaps: await freePort(), pop3: await freePort(), pop3s: await freePort() };
  const passwd = path.join(dir, 'passwd');
  const mail = path.join(dir, 'mail');
  fs.mkdirSync(mail);
  execFileSync('chown', ['vmail:vmail', mail]);
  // Users are all made up front: Dovecot re-reads its passwd-file only when its mtime (in
  // seconds) changes, so users added in the same second would not log in.
  const users = new Map<string, string>([['agent@example.com', MAILBOX_PASSWORD]]);
  for (let i = 1; i <= 100; i++) users.set(`box${i}@example.com`, MAILBOX_PASSWORD);
  let nextBox = 0;
  let passwdStamp = 0;
  const writeUsers = () => {
    fs.writeFileSync(passwd, [...users].map(([u, p]) => `${u}:{PLAIN}${p}::::::\n`).join(''));
    // A new mtime second on every write, or Dovecot keeps the file it read before.
    passwdStamp = Math.max(passwdStamp + 1, Math.floor(Date.now() / 1000));
    fs.utimesSync(passwd, passwdStamp, passwdStamp);
  };
  writeUsers();
  const oauth2Args = path.join(dir, 'dovecot-oauth2.conf.ext');
  if (options.oauth) fs.writeFileSync(oauth2Args, oauth2PassdbArgs(options.oauth));
  const tokenMechanisms = options.oauth ? (options.oauth.mechanisms ?? ['xoauth2', 'oauthbearer']).join(' ') : '';

  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    conf,
    `protocols = imap pop3
listen = ${['127.0.0.1', ...(options.addresses ?? [])].join(', ')}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = yes
ssl_cert = <${cert.certFile}
ssl_key = <${cert.keyFile}
ssl_dh = </usr/share/dovecot/dh.pem
disable_plaintext_auth = no
auth_mechanisms = plain login ${tokenMechanisms}
auth_failure_delay = 0
auth_verbose = yes
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
first_valid_uid = 1
passdb {
  driver = passwd-file
  mechanisms = plain login none
  args = scheme=PLAIN username_format=%u ${passwd}
}
${
  options.oauth
    ? `passdb {
  driver = oauth2
  mechanisms = ${tokenMechanisms}
  args = ${oauth2Args}
}
`
    : ''
}userdb {
  driver = static
  args = uid=vmail gid=vmail home=${mail}/%u
}
service imap-login {
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = ${ports.pop3s}
    ssl = yes
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
${
  // Made in every mailbox on first use (auto = create), as a provider's Sent folder is there.
  options.folders?.length
    ? `namespace inbox {
  inbox = yes
${options.folders
  .map((f) => `  mailbox "${f.name}" {
    auto = create
${f.specialUse ? `    special_use = ${f.specialUse}\n` : ''}  }`)
  .join('\n')}
}
`
    : ''
}`
  );
  // dovecot daemonizes: its stdio must not be a pipe we wait on.
  const errFile = path.join(dir, 'start.err');
  const errFd = fs.openSync(errFile, 'w');
  const started = spawnSync('dovecot', ['-c', conf], { stdio: ['ignore', errFd, errFd] });
  fs.closeSync(errFd);
  if (started.status !== 0) throw new Error(`dovecot did not start: ${fs.readFileSync(errFile, 'utf8')}`);
  await Promise.all(Object.values(ports).map((p) => waitForPort(p)));
  const logFile = path.join(dir, 'dovecot.log');
  const readLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');

  return {
    ports,
    user: 'agent@example.com',
    password: users.get('agent@example.com')!,
    deliver(raw, user = 'agent@example.com') {
      execFileSync('doveadm', ['-c', conf, 'save', '-u', user], { input: raw });
    },
    newMailbox() {
      nextBox += 1;
      if (nextBox > 100) throw new Error('out of test mailboxes');
      return `box${nextBox}@example.com`;
    },
    deliverMany(raws, user) {
      const home = path.join(mail, user, 'Maildir');
      for (const sub of ['new', 'cur', 'tmp']) fs.mkdirSync(path.join(home, sub), { recursive: true });
      raws.forEach((raw, i) => fs.writeFileSync(path.join(home, 'new', `${Date.now()}.M${i}P${process.pid}.bench`), raw));
      execFileSync('chown', ['-R', 'vmail:vmail', path.join(mail, user)]);
    },
    recreateInbox(user) {
      fs.rmSync(path.join(mail, user, 'Maildir'), { recursive: true, force: true });
    },
    messages(user, folder = 'INBOX') {
      const out = execFileSync('doveadm', ['-c', conf, '-f', 'tab', 'fetch', '-u', user, 'uid flags', 'mailbox', folder, 'all'], { encoding: 'utf8' });
      return out
        .split('\n')
        .slice(1) // the header row
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const [uid, flags = ''] = line.split('\t');
          return { uid: Number(uid), seen: flags.split(' ').includes('\\Seen') };
        });
    },
    uidValidity(user, folder = 'INBOX') {
      return execFileSync('doveadm', ['-c', conf, '-f', 'flow', 'mailbox', 'status', '-u', user, 'uidvalidity', folder], { encoding: 'utf8' })
        .replace(/^.*uidvalidity=/s, '')
        .trim();
    },
    folderMails(user, folder) {
      const out = execFileSync('doveadm', ['-c', conf, '-f', 'json', 'fetch', '-u', user, 'uid flags text', 'mailbox', folder, 'all'], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      return (JSON.parse(out || '[]') as Array<{ uid: string; flags: string; text: string }>).map((m) => ({
        uid: Number(m.uid),
        flags: m.flags.split(' ').filter(Boolean),
        text: m.text,
      }));
    },
    log: readLog,
    sessions(user) {
      return parseSessions(readLog()).filter((s) => user === undefined || s.user === user);
    },
    loginAttempts(user) {
      return readLog()
        .split('\n')
        .filter((line) => line.includes(`-login: Info: Login: user=<${user}>`) || line.includes(`passwd-file(${user},`) || line.includes(`oauth2(${user},`)).length;
    },
    loginMethods(user) {
      return [...readLog().matchAll(/-login: Info: Login: user=<([^>]*)>, method=([A-Z0-9-]+)/g)].filter((m) => m[1] === user).map((m) => m[2]);
    },
    subjectsInMailbox(user) {
      const out = execFileSync('doveadm', ['-c', conf, '-f', 'tab', 'fetch', '-u', user, 'hdr.subject', 'mailbox', 'INBOX', 'all'], { encoding: 'utf8' });
      // The first line names the field.
      return out.split('\n').slice(1).filter((l) => l !== '').map((l) => l.trim());
    },
    maildir(user) {
      return path.join(mail, user, 'Maildir');
    },
    async setPassword(user, password) {
      users.set(user, password);
      writeUsers();
      // Dovecot looks at the file's mtime at most once a second: wait until it answers with it.
      const accepted = () => spawnSync('doveadm', ['-c', conf, 'auth', 'test', user, password]).status === 0;
      await waitUntil(accepted, 10_000, `Dovecot to take the new password of ${user}`);
    },
    async stop() {
      spawnSync('dovecot', ['-c', conf, 'stop']);
      // `dovecot stop` only signals the master: wait until it is gone (it removes its pid file last).
      await waitUntil(() => !fs.existsSync(path.join(dir, 'run', 'master.pid')), 10_000, 'dovecot to stop');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};
