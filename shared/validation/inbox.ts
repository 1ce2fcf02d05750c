/** Inputs of the inbox routes: the conversation list query, updates, replies, forwards, notes, saved replies. */
import * as yup from 'yup';
import { CONVERSATION_STATUSES } from '../contracts/inbox';
import { REQUIRED, isValidAddress, line, onlyKnownKeys, oneOfOrNull, page, text } from './fields';

/** Query of the conversation list. */
export const conversationQuerySchema = yup
  .object({
    server: text(100),
    status: oneOfOrNull(CONVERSATION_STATUSES, 'Must be open or closed.'),
    automatic: yup.boolean().typeError('Must be true or false.'),
    assignee: yup
      .mixed<'me' | 'none' | number>()
      .transform((value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value === '' ? undefined : value))
      .test('assignee', 'Must be me, none or an admin user id.', (v) => v === undefined || v === 'me' || v === 'none' || (Number.isInteger(v) && (v as number) > 0)),
    known: yup.boolean().typeError('Must be true or false.'),
    // Whatever is pasted into the search box: line breaks are spaces and NUL is left to the
    // search (which drops it), not an error.
    q: yup
      .string()
      .typeError('Must be text.')
      .nullable()
      .transform((v) => (typeof v === 'string' ? v.replace(/[\r\n]+/g, ' ').trim() || undefined : v))
      .max(200, 'Must be at most 200 characters.'),
    page: page().default(1),
    pageSize: page().max(100, 'Must be at most 100.').default(25),
  })
  .test('known-fields', '', onlyKnownKeys(['server', 'status', 'automatic', 'assignee', 'known', 'q', 'page', 'pageSize'], 'the conversation list query'));

export const conversationUpdateSchema = yup
  .object({
    status: yup.mixed().oneOf([...CONVERSATION_STATUSES, undefined], 'Must be open or closed.'),
    assignee: yup
      .number()
      .nullable()
      .typeError('Must be an admin user id or null.')
      .integer('Must be an admin user id or null.')
      .min(1, 'Must be an admin user id or null.'),
  })
  .test('something', '', function (v) {
    return !v || v.status !== undefined || v.assignee !== undefined || this.createError({ path: 'status', message: 'Give a status or an assignee.' });
  })
  .test('known-fields', '', onlyKnownKeys(['status', 'assignee'], 'a conversation'));

/**
 * A list of plain addresses. A form field arrives as one string or repeated: commas (and
 * semicolons, as Outlook writes them) separate addresses there too.
 */
export const addressList = (max = 50) =>
  yup
    .array()
    .transform((value, original) => {
      const items = Array.isArray(original) ? original : typeof original === 'string' ? [original] : value;
      if (!Array.isArray(items)) return value;
      return items.flatMap((item) => (typeof item === 'string' ? item.split(/[,;]/) : [item])).map((a) => (typeof a === 'string' ? a.trim() : a)).filter((a) => a !== '');
    })
    .typeError('Must be a list of email addresses.')
    .max(max, `Must be at most ${max} addresses.`)
    .of(yup.mixed<string>().test('address', 'Must be email addresses such as dan@example.com, separated by commas.', (v) => typeof v === 'string' && isValidAddress(v)));

const MB = 1024 * 1024;
/** 20971520 → "20 MB", as the limit is shown to agents. */
export const formatBytes = (bytes: number) =>
  bytes >= MB ? `${+(bytes / MB).toFixed(1)} MB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;

/** What the reply box and the server (413) say when a reply's files pass `inbox.maxAttachmentBytes`. */
export const attachmentsTooLargeMessage = (limit: number) =>
  `The attachments are larger than ${formatBytes(limit)} in total (the limit is config inbox.maxAttachmentBytes): attach fewer or smaller files.`;

// PostgreSQL refuses NUL in text: a reply with one would be sent and then fail to be stored.
const NO_NUL = ['no-nul', 'Must not contain NUL characters.', (v: string | null | undefined) => !v || !v.includes('\0')] as const;
const replyBody = () => yup.string().typeError('Must be text.').trim().max(100_000, 'Must be at most 100000 characters.').test(...NO_NUL);

/** An agent's reply. Line breaks are fine in a body; the size keeps a paste from going wild. */
export const replySchema = yup
  .object({
    text: replyBody().required(REQUIRED),
    html: yup.string().typeError('Must be text.').nullable().max(500_000, 'Must be at most 500000 characters.').test(...NO_NUL),
    to: addressList(),
    cc: addressList(),
    bcc: addressList(),
  })
  .test('known-fields', '', onlyKnownKeys(['text', 'html', 'to', 'cc', 'bcc'], 'a reply'));

export const forwardSchema = yup
  .object({
    to: addressList().required(REQUIRED).min(1, REQUIRED),
    text: replyBody(),
  })
  .test('known-fields', '', onlyKnownKeys(['to', 'text'], 'a forward'));

export const noteSchema = yup
  .object({ text: replyBody().required(REQUIRED) })
  .test('known-fields', '', onlyKnownKeys(['text'], 'a note'));

export const savedReplySchema = yup
  .object({
    name: line(100).required(REQUIRED),
    text: replyBody().required(REQUIRED),
  })
  .test('known-fields', '', onlyKnownKeys(['name', 'text'], 'a saved reply'));

/** POST /saved-replies/:documentId/render: the conversation whose customer fills the fields. */
export const savedReplyRenderSchema = yup
  .object({ conversation: line(100).required(REQUIRED) })
  .test('known-fields', '', onlyKnownKeys(['conversation'], 'a saved reply to fill in'));

export const changesQuerySchema = yup
  .object({ since: text(100) })
  .test('known-fields', '', onlyKnownKeys(['since'], 'the changes query'));
