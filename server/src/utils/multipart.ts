import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import busboy from 'busboy';
import type { Core } from '@strapi/strapi';
import type { Context, Next } from './context';
import { pluginConfig } from './index';
import { attachmentsTooLargeMessage } from '../../../shared/validation/inbox';

/** Where the fields and files of a multipart body are kept for the route's controller. */
export const MULTIPART = 'emailServerMultipart';
const PENDING = 'emailServerMultipartPending';
/** Temp folders of uploads start so; each is removed once its request is answered. */
export const UPLOAD_PREFIX = 'email-server-upload-';

export interface UploadedFile {
  filename: string;
  contentType: string;
  size: number;
  path: string;
}

export interface MultipartBody {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
}

const ROUTES = [/^\/email-server\/conversations\/[^/]+\/reply\/?$/i];
/** Room for the text fields and part headers beside the files in a Content-Length. */
const FIELDS_ALLOWANCE = 2 * 1024 * 1024;

/**
 * Hides multipart bodies of the routes above from Strapi's body parser, which runs before
 * authentication and would write any upload to disk. Reads nothing: `readMultipart` on the route
 * reads the body once the admin's token and permission passed.
 */
export const multipartMiddleware = (strapi: Core.Strapi) => async (ctx: Context, next: Next) => {
  if (ctx.method === 'POST' && /^multipart\/form-data\b/i.test(String(ctx.get('Content-Type') ?? '')) && ROUTES.some((r) => r.test(ctx.path))) {
    ctx.state[PENDING] = { contentType: String(ctx.get('Content-Type')), limit: pluginConfig(strapi).inbox.maxAttachmentBytes };
    ctx.req.headers['content-type'] = 'application/octet-stream';
  }
  return next();
};

class TooLarge extends Error {}
/** A part over busboy's counts: refused rather than silently dropped (a reply must not go out short). */
class TooMany extends Error {}
const MAX_FILES = 50;
/** The longest field is a reply's HTML (500,000 characters of up to 3 bytes each in UTF-8 … rounded). */
const MAX_FIELD_BYTES = 1536 * 1024;
/** Names as the sender's system wrote them, without control characters (PostgreSQL refuses NUL). */
const cleanName = (name: string | undefined) => (name ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);

const refuse = (ctx: Context, status: number, name: string, message: string) => {
  // No "Connection: close": closing with the client still sending resets the connection, and
  // the client may lose the answer. Node drains the rest unread (bounded by its requestTimeout).
  ctx.status = status;
  ctx.body = { data: null, error: { status, name, message, details: {} } };
};

/** Streams the parts to temp files, counting bytes; rejects once the files pass `limit`. */
const parse = (ctx: Context, contentType: string, dir: string, limit: number) =>
  new Promise<MultipartBody>((resolve, reject) => {
    const body: MultipartBody = { fields: {}, files: [] };
    let total = 0;
    let failed = false;
    const writes: Array<Promise<void>> = [];
    const outs: fs.WriteStream[] = [];
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      ctx.req.unpipe(parser);
      // Drained and dropped while the answer goes out.
      ctx.req.resume();
      // Every file closed before the folder is removed, so none is created after it.
      const closed = outs.map((out) => (out.closed ? Promise.resolve() : new Promise<void>((done) => out.once('close', () => done()))));
      outs.forEach((out) => out.destroy());
      Promise.all(closed).then(() => reject(error));
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { ...ctx.req.headers, 'content-type': contentType },
        // At most 8 fields (text, html, to, cc, bcc and a few repeats) held in memory.
        limits: { fieldSize: MAX_FIELD_BYTES, fields: 8, files: MAX_FILES, parts: MAX_FILES + 8 },
      });
    } catch (error) {
      reject(error);
      return;
    }
    parser.on('field', (name, value) => {
      const prev = body.fields[name];
      body.fields[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
    });
    for (const event of ['filesLimit', 'fieldsLimit', 'partsLimit'] as const) parser.on(event, () => fail(new TooMany()));
    parser.on('field', (_name, _value, info) => {
      if (info.valueTruncated) fail(new TooMany());
    });
    parser.on('file', (name, stream, info) => {
      if (failed || name !== 'files') {
        // Counted all the same: an unnamed part must not stream without end.
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > limit) fail(new TooLarge());
        });
        stream.resume();
        return;
      }
      const file: UploadedFile = {
        filename: cleanName(info.filename) || 'attachment',
        contentType: info.mimeType || 'application/octet-stream',
        size: 0,
        path: path.join(dir, String(body.files.length)),
      };
      const out = fs.createWriteStream(file.path);
      outs.push(out);
      const written = new Promise<void>((done, error) => {
        out.on('finish', done);
        out.on('error', error);
      });
      // Awaited below unless the upload failed first; then the failure is what counts.
      written.catch(() => undefined);
      writes.push(written);
      stream.on('data', (chunk: Buffer) => {
        file.size += chunk.length;
        total += chunk.length;
        if (total > limit) {
          stream.unpipe(out);
          stream.resume();
          fail(new TooLarge());
        }
      });
      stream.pipe(out);
      // A browser sends an empty part for a file input nobody used.
      if (cleanName(info.filename)) body.files.push(file);
      else body.files.push({ ...file, filename: '' });
    });
    parser.on('error', (error: Error) => fail(error));
    parser.on('close', () => {
      if (failed) return;
      Promise.all(writes).then(
        () => resolve({ ...body, files: body.files.filter((f) => f.filename !== '' || f.size > 0) }),
        (error) => fail(error)
      );
    });
    ctx.req.on('aborted', () => fail(new Error('aborted')));
    ctx.req.pipe(parser);
  });

/**
 * Route middleware: reads a multipart body `multipartMiddleware` set aside into
 * `ctx.state[MULTIPART]`, files in a temp folder removed once the request is answered (also on an
 * error or an aborted upload). Uploads over `inbox.maxAttachmentBytes` are refused with 413:
 * before reading when Content-Length says so, else as soon as the count passes it.
 */
export const readMultipart = async (ctx: Context, next: Next) => {
  const pending = ctx.state[PENDING] as { contentType: string; limit: number } | undefined;
  if (!pending) return next();
  const { contentType, limit } = pending;
  const length = Number(ctx.get('Content-Length') || 0);
  if (length > limit + FIELDS_ALLOWANCE) return refuse(ctx, 413, 'PayloadTooLargeError', attachmentsTooLargeMessage(limit));
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), UPLOAD_PREFIX));
  try {
    try {
      ctx.state[MULTIPART] = await parse(ctx, contentType, dir, limit);
    } catch (error) {
      if (error instanceof TooLarge) return refuse(ctx, 413, 'PayloadTooLargeError', attachmentsTooLargeMessage(limit));
      if (error instanceof TooMany) {
        return refuse(ctx, 400, 'ValidationError', `A reply takes at most ${MAX_FILES} files and its text fields at most ${MAX_FIELD_BYTES / 1024} KB each.`);
      }
      return refuse(ctx, 400, 'BadRequestError', 'The form data could not be read.');
    }
    return await next();
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
};
