/**
 * A loopback HTTP server that checks requests the way SendGrid's v3 API does, for the real
 * @sendgrid/mail and @sendgrid/client to talk to. SendGrid itself cannot be reached from here.
 */
import http from 'node:http';
import { freePort } from './net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
  /** The status this fake answered with. */
  status?: number;
}

export interface FakeSendgrid {
  url: string;
  requests: RecordedRequest[];
  /** Tokens accepted, and the scopes GET /v3/scopes reports for each. */
  tokens: Map<string, string[]>;
  /** Answer the next n mail/send requests with 429. */
  rateLimitNext(n: number): void;
  /** Answer the next n valid mail/send requests with 400 and this error, as SendGrid does for a request it refuses. */
  rejectNext(n: number, message?: string): void;
  /** Answer the next n authorised mail/send requests with this status (500, 503, ...), before any other check. */
  failNext(n: number, status: number, message?: string): void;
  stop(): Promise<void>;
}

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const RESERVED_HEADERS = new Set(['x-sg-id', 'x-sg-eid', 'received', 'dkim-signature', 'content-type', 'content-transfer-encoding', 'to', 'from', 'subject', 'reply-to', 'cc', 'bcc']);

const error = (message: string, field: string | null = null) => ({ message, field, help: null });

/** The checks SendGrid documents for POST /v3/mail/send, as { message, field } errors. */
export const validateMailSend = (body: any) => {
  const errors: Array<ReturnType<typeof error>> = [];
  const checkEmail = (value: any, field: string) => {
    if (!value || typeof value.email !== 'string' || !EMAIL.test(value.email)) {
      errors.push(error('Does not contain a valid address.', field));
    }
  };
  if (!Array.isArray(body?.personalizations) || body.personalizations.length === 0) {
    errors.push(error('The personalizations field is required and must have at least one personalization.', 'personalizations'));
  } else {
    if (body.personalizations.length > 1000) errors.push(error('The personalizations field must have at most 1000 items.', 'personalizations'));
    let recipients = 0;
    body.personalizations.forEach((p: any, i: number) => {
      if (!Array.isArray(p.to) || p.to.length === 0) {
        errors.push(error('The to array is required for all personalization objects, and must have at least one email object with a valid email address.', `personalizations.${i}.to`));
      }
      for (const kind of ['to', 'cc', 'bcc']) {
        (p[kind] ?? []).forEach((r: any, j: number) => checkEmail(r, `personalizations.${i}.${kind}.${j}.email`));
        recipients += (p[kind] ?? []).length;
      }
    });
    if (recipients > 1000) errors.push(error('The total number of recipients must be no more than 1000.', 'personalizations'));
  }
  checkEmail(body?.from, 'from.email');
  if (body?.reply_to) checkEmail(body.reply_to, 'reply_to.email');
  const hasSubject = typeof body?.subject === 'string' || body?.personalizations?.every?.((p: any) => typeof p.subject === 'string');
  if (!body?.template_id && !hasSubject) errors.push(error('The subject is required.', 'subject'));
  if (!body?.template_id) {
    if (!Array.isArray(body?.content) || body.content.length === 0) {
      errors.push(error('Unless a valid template_id is provided, the content parameter is required.', 'content'));
    } else {
      body.content.forEach((c: any, i: number) => {
        if (typeof c.type !== 'string' || typeof c.value !== 'string' || c.value === '') {
          errors.push(error('The content value must be a string at least one character in length.', `content.${i}.value`));
        }
      });
      if (body.content.length > 1 && body.content[0].type !== 'text/plain') {
        errors.push(error('If present, text/plain content must be first, followed by any other content.', 'content.0.type'));
      }
    }
  }
  (body?.attachments ?? []).forEach((a: any, i: number) => {
    if (typeof a.filename !== 'string' || a.filename === '') errors.push(error('The attachment filename is required.', `attachments.${i}.filename`));
    if (typeof a.content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(a.content)) {
      errors.push(error('The attachment content must be base64 encoded.', `attachments.${i}.content`));
    }
  });
  for (const name of Object.keys(body?.headers ?? {})) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) errors.push(error(`The header ${name} is reserved and cannot be set.`, 'headers'));
    if (typeof body.headers[name] !== 'string') errors.push(error('Header values must be strings.', 'headers'));
  }
  if (body?.categories && (body.categories.length > 10 || body.categories.some((c: any) => typeof c !== 'string'))) {
    errors.push(error('Categories must be at most 10 strings.', 'categories'));
  }
  return errors;
};

export const startFakeSendgrid = async (): Promise<FakeSendgrid> => {
  const port = await freePort();
  let rateLimited = 0;
  let rejected = 0;
  let rejectMessage = '';
  let failing = 0;
  let failStatus = 500;
  let failMessage = '';
  let nextId = 1;
  const state: FakeSendgrid = {
    url: `http://127.0.0.1:${port}`,
    requests: [],
    tokens: new Map(),
    rateLimitNext: (n) => (rateLimited = n),
    rejectNext: (n, message = 'The from address does not match a verified Sender Identity.') => {
      rejected = n;
      rejectMessage = message;
    },
    failNext: (n, status, message = 'Internal server error') => {
      failing = n;
      failStatus = status;
      failMessage = message;
    },
    stop: async () => undefined,
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const path = (req.url ?? '').split('?')[0];
      const recorded: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body };
      state.requests.push(recorded);
      const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
        recorded.status = status;
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };

      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !state.tokens.has(token)) {
        return send(401, { errors: [error('The provided authorization grant is invalid, expired, or revoked')] });
      }
      if (req.method === 'GET' && path === '/v3/scopes') return send(200, { scopes: state.tokens.get(token) });
      if (req.method === 'POST' && path === '/v3/mail/send') {
        if (!String(req.headers['content-type']).startsWith('application/json')) {
          return send(415, { errors: [error('Content-Type should be application/json.')] });
        }
        if (!(state.tokens.get(token) ?? []).includes('mail.send')) {
          return send(403, { errors: [error('access forbidden')] });
        }
        if (failing > 0) {
          failing -= 1;
          return send(failStatus, { errors: [error(failMessage)] });
        }
        if (rateLimited > 0) {
          rateLimited -= 1;
          return send(429, { errors: [error('too many requests')] }, {
            'X-RateLimit-Limit': '600',
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 1),
          });
        }
        const errors = validateMailSend(body);
        if (errors.length > 0) return send(400, { errors });
        if (rejected > 0) {
          rejected -= 1;
          return send(400, { errors: [error(rejectMessage, 'from')] });
        }
        return send(202, undefined, { 'X-Message-Id': `fake-sg-${nextId++}` });
      }
      return send(404, { errors: [error('not found')] });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
};

/**
 * The mail each personalization of a mail/send body turns into, as SendGrid builds it: every
 * substitution key (already wrapped, `{{h:0}}`) replaced by its value in the content and the
 * subject, in the order the keys are given.
 */
export const deliveredMails = (body: any) =>
  (body?.personalizations ?? []).map((p: any) => {
    const substitute = (value: string | undefined) => {
      if (value === undefined) return undefined;
      let out = value;
      for (const [key, replacement] of Object.entries<string>(p.substitutions ?? {})) out = out.split(key).join(replacement);
      return out;
    };
    const part = (type: string) => substitute(body.content?.find((c: any) => c.type === type)?.value);
    return {
      to: p.to[0].email as string,
      subject: substitute(p.subject ?? body.subject) as string,
      text: part('text/plain'),
      html: part('text/html'),
      headers: p.headers ?? {},
      substitutionBytes: Object.entries<string>(p.substitutions ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0),
    };
  });
