import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { createEngine as createSharedEngine, describeTemplateError } from '../../../../shared/liquid';
import type { SavedReply, SavedReplyInput } from '../../../../shared/contracts/inbox';
import { UIDS } from '../../utils';
import { newDocumentId } from '../../utils/ids';
import { isUniqueViolation } from '../../utils/db-errors';
import { fieldError } from '../../utils/validate';
import { toAgent } from './agents';

/**
 * A canned answer of a few paragraphs renders in well under a millisecond: 50 ms is a loop gone
 * wrong. Output is plain text: no HTML escaping.
 */
export const createEngine = () => createSharedEngine({ what: 'saved replies' });

const toPublic = (row: any): SavedReply => ({ documentId: row.documentId, name: row.name, text: row.text ?? '', updatedAt: row.updatedAt });

/** The library of canned answers (README "Inbox" → "Saved replies"). */
const savedRepliesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const q = (uid: string) => strapi.db.query(uid as any);
  const engine = createEngine();

  const getRow = async (documentId: string) => {
    const row = await q(UIDS.savedReply).findOne({ where: { documentId } });
    if (!row) throw new errors.NotFoundError('Saved reply not found.');
    return row;
  };

  /** Checks the name is free and the text parses; both as field errors. */
  const check = async (input: SavedReplyInput, self?: number) => {
    const clash = await q(UIDS.savedReply).findOne({ select: ['id'], where: { nameKey: input.name.toLowerCase() } });
    if (clash && clash.id !== self) throw fieldError('name', 'A saved reply with this name already exists.');
    try {
      engine.parse(input.text);
    } catch (error) {
      throw fieldError('text', describeTemplateError(error));
    }
  };

  /** Two saves of one name raced past the check: the unique index stopped the second. */
  const saving = async <T>(write: () => Promise<T>) => {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw fieldError('name', 'A saved reply with this name already exists.');
      throw error;
    }
  };

  return {
    async list(): Promise<SavedReply[]> {
      return (await q(UIDS.savedReply).findMany({ orderBy: [{ nameKey: 'asc' }] })).map(toPublic);
    },

    async create(input: SavedReplyInput) {
      await check(input);
      return toPublic(await saving(() => q(UIDS.savedReply).create({ data: { documentId: newDocumentId(), name: input.name, nameKey: input.name.toLowerCase(), text: input.text } })));
    },

    async update(documentId: string, input: SavedReplyInput) {
      const row = await getRow(documentId);
      await check(input, row.id);
      return toPublic(await saving(() => q(UIDS.savedReply).update({ where: { id: row.id }, data: { name: input.name, nameKey: input.name.toLowerCase(), text: input.text } })));
    },

    async delete(documentId: string) {
      const row = await getRow(documentId);
      await q(UIDS.savedReply).delete({ where: { id: row.id } });
      return { documentId };
    },

    /**
     * The text with its fields filled in for a conversation: `customer` is the sender of the last
     * inbound mail (by arrival), `agent` the admin asking, `conversation` its subject.
     */
    async render(documentId: string, conversationId: string, agent: { firstname?: string; lastname?: string; username?: string; email?: string }) {
      const row = await getRow(documentId);
      const conversation = await q(UIDS.conversation).findOne({ select: ['documentId', 'subject'], where: { documentId: conversationId } });
      if (!conversation) throw fieldError('conversation', 'No conversation with this id.');
      const last = await q(UIDS.inbound).findOne({ select: ['from'], where: { conversation: conversationId }, orderBy: [{ id: 'desc' }] });
      const me = toAgent({ id: 0, ...agent });
      const scope = {
        customer: { name: last?.from?.name || last?.from?.address || '', email: last?.from?.address ?? '' },
        agent: { name: me.name ?? '', email: me.email ?? '' },
        conversation: { subject: conversation.subject ?? '' },
      };
      try {
        return { text: await engine.parseAndRender(row.text ?? '', scope) };
      } catch (error) {
        // The saved reply's text is at fault (a loop past the limits, say), not the request.
        throw fieldError('text', `The saved reply "${row.name}" could not be filled in: ${describeTemplateError(error)}`);
      }
    },
  };
};

export type SavedRepliesService = ReturnType<typeof savedRepliesService>;
export default savedRepliesService;
