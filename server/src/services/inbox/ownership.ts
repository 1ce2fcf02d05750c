import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { ConversationUpdate } from '../../../../shared/contracts/inbox';
import { UIDS, getService } from '../../utils';
import { fieldError } from '../../utils/validate';

/** Another agent changed the owner between our read and our write (answered as 409). */
export class OwnerChangedError extends errors.ApplicationError {}

export interface Caller {
  id: number;
  /** The caller holds `inbox.assign`. */
  canAssign: boolean;
}

/**
 * Taking a conversation that nobody owns, or letting go of one's own, is part of replying;
 * anything that moves a conversation to or away from someone else needs `inbox.assign`.
 */
export const needsAssign = (current: number | null, next: number | null, caller: number) =>
  current !== next && !((next === caller && current === null) || (next === null && current === caller));

const ownershipService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** PUT /conversations/:documentId: status and owner, checked before anything is written. */
  async update(documentId: string, input: ConversationUpdate, caller: Caller) {
    const row = await strapi.db.query(UIDS.conversation as any).findOne({ select: ['id', 'assignee'], where: { documentId } });
    if (!row) throw new errors.NotFoundError('Conversation not found.');
    const data: Record<string, unknown> = {};
    const where: Record<string, unknown> = { id: row.id };
    if (input.status !== undefined) data.status = input.status;
    if (input.assignee !== undefined) {
      const current = row.assignee ?? null;
      const next = input.assignee ?? null;
      if (needsAssign(current, next, caller.id) && !caller.canAssign) {
        throw new errors.ForbiddenError('Assigning a conversation to someone else, or taking it from them, needs the permission "Assign conversations to other agents".');
      }
      if (next !== null && next !== current && !(await getService(strapi, 'agents').activeById(next))) {
        throw fieldError('assignee', 'Must be an active admin user.');
      }
      data.assignee = next;
      // The permission check above judged `current`: write only if it still holds, or two agents
      // taking an unowned conversation at once would let the second take it from the first.
      where.assignee = current === null ? { $null: true } : current;
    }
    const { count } = await strapi.db.query(UIDS.conversation as any).updateMany({ where, data });
    if (count === 0) throw new OwnerChangedError('Someone else took this conversation first.');
    return getService(strapi, 'inbox').conversation(documentId, caller.id);
  },
});

export type OwnershipService = ReturnType<typeof ownershipService>;
export default ownershipService;
