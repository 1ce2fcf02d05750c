import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { Liquid, Tag } from 'liquidjs';
import type { SavedReply, SavedReplyInput } from '../../../../shared/contracts/inbox';
import { UIDS } from '../../utils';
import { newDocumentId } from '../../utils/ids';
import { isUniqueViolation } from '../../utils/db-errors';
import { fieldError } from '../../utils/validate';
import { toAgent } from './agents';

/** Tags that read other templates: a saved reply is one self-contained text. */
const FILE_TAGS = ['include', 'render', 'layout'];

class NoFiles extends Tag {
  constructor(...args: ConstructorParameters<typeof Tag>) {
    super(...args);
    throw new Error(`"${this.name}" is not available in saved replies`);
  }
  render() {
    return '';
  }
}

/**
 * LiquidJS with nothing to read: no file system (the `fs` below refuses everything, and the tags
 * that would use it are rejected when the text is parsed), own properties only, and limits on
 * parse size, render time and memory so a saved reply cannot hang the server: rendering is
 * synchronous work on the one event loop every request shares, so the render limit is what any
 * other request may have to wait. A canned answer of a few paragraphs renders in well under a
 * millisecond. Output is plain text: no HTML escaping.
 */
const refuse = () => {
  throw new Error('Saved replies cannot read files.');
};
export const createEngine = () => {
  const engine = new Liquid({
    fs: { exists: async () => false, existsSync: () => false, readFile: refuse, readFileSync: refuse, resolve: refuse, contains: () => false } as any,
    relativeReference: false,
    dynamicPartials: false,
    ownPropertyOnly: true,
    strictFilters: true,
    parseLimit: 100_000,
    renderLimit: 50,
    memoryLimit: 1_000_000,
  });
  for (const tag of FILE_TAGS) engine.registerTag(tag, NoFiles);
  return engine;
};

/** "Line 2: tag "foo" not found" from a LiquidJS error, whose message ends with the position. */
const describeTemplateError = (error: any) => {
  const message = String(error?.originalError?.message ?? error?.message ?? 'Not a valid template.').replace(/,\s*line:\d+,\s*col:\d+\s*$/, '');
  const position = /line:(\d+)/.exec(String(error?.message ?? ''));
  const line = error?.token?.getPosition?.()[0] ?? (position ? Number(position[1]) : null);
  return line ? `Line ${line}: ${message}` : message;
};

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
