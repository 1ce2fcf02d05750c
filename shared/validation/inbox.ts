/** Inputs of the inbox routes: the conversation list query, a status change and a reply. */
import * as yup from 'yup';
import { CONVERSATION_STATUSES } from '../contracts/inbox';
import { REQUIRED, onlyKnownKeys, oneOfOrNull, page, text } from './fields';

/** Query of the conversation list. */
export const conversationQuerySchema = yup
  .object({
    server: text(100),
    status: oneOfOrNull(CONVERSATION_STATUSES, 'Must be open or closed.'),
    automatic: yup.boolean().typeError('Must be true or false.'),
    q: text(200),
    page: page().default(1),
    pageSize: page().max(100, 'Must be at most 100.').default(25),
  })
  .test('known-fields', '', onlyKnownKeys(['server', 'status', 'automatic', 'q', 'page', 'pageSize'], 'the conversation list query'));

export const conversationUpdateSchema = yup
  .object({ status: yup.mixed().required(REQUIRED).oneOf([...CONVERSATION_STATUSES], 'Must be open or closed.') })
  .test('known-fields', '', onlyKnownKeys(['status'], 'a conversation'));

/** An agent's reply. Line breaks are fine in a body; the size keeps a paste from going wild. */
export const replySchema = yup
  .object({
    text: yup.string().typeError('Must be text.').trim().required(REQUIRED).max(100_000, 'Must be at most 100000 characters.'),
    html: yup.string().typeError('Must be text.').nullable().max(500_000, 'Must be at most 500000 characters.'),
  })
  .test('known-fields', '', onlyKnownKeys(['text', 'html'], 'a reply'));
