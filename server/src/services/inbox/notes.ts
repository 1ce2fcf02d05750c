import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Agent, Message } from '../../../../shared/contracts/inbox';
import { UIDS, getService } from '../../utils';
import { newDocumentId } from '../../utils/ids';

export const noteToMessage = (row: any, author: Agent | null): Message => ({
  documentId: row.documentId,
  direction: 'note',
  messageId: null,
  inReplyTo: null,
  from: null,
  to: [],
  cc: [],
  bcc: [],
  subject: '',
  date: row.date,
  text: row.text ?? null,
  html: null,
  attachments: [],
  problem: null,
  automatic: false,
  author,
});

/**
 * Internal notes: written for the other agents, never sent. A note changes the conversation
 * (the live poll reports it) but is no mail: it reopens nothing, marks nothing unread and does
 * not move the conversation's last activity.
 */
const notesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const q = (uid: string) => strapi.db.query(uid as any);
  return {
    async add(conversationId: string, text: string, user: { id: number; email?: string }) {
      const conversation = await q(UIDS.conversation).findOne({ select: ['id'], where: { documentId: conversationId } });
      if (!conversation) throw new errors.NotFoundError('Conversation not found.');
      const row = await strapi.db.transaction(async () => {
        const created = await q(UIDS.note).create({
          data: { documentId: newDocumentId(), conversation: conversationId, text, author: user.id, authorEmail: user.email ?? null, date: new Date() },
        });
        // A write with nothing to change: the changedAt lifecycle (changes.ts) stamps it, so the poll reports the note.
        await q(UIDS.conversation).update({ where: { id: conversation.id }, data: {} });
        return created;
      });
      const agents = await getService(strapi, 'agents').resolve([row.author], [row.authorEmail]);
      return noteToMessage(row, agents.byId(row.author) ?? agents.byEmail(row.authorEmail));
    },

    /** The conversation's notes, oldest first, with authors resolved by the caller. */
    rows(conversationId: string) {
      return q(UIDS.note).findMany({ where: { conversation: conversationId }, orderBy: [{ date: 'asc' }, { id: 'asc' }] });
    },
  };
};

export type NotesService = ReturnType<typeof notesService>;
export default notesService;
