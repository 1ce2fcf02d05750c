import type { Core } from '@strapi/strapi';
import type { Agent } from '../../../../shared/contracts/inbox';

const ADMIN_USER = 'admin::user';
const FIELDS = ['id', 'firstname', 'lastname', 'username', 'email', 'isActive'];

/** An admin user as the inbox shows them; `name` falls back as the admin's own header does. */
export const toAgent = (user: any): Agent => ({
  id: user.id,
  name: [user.firstname, user.lastname].filter(Boolean).join(' ').trim() || user.username || user.email,
  email: user.email,
});

/** Admin users as owners and authors: looked up for a whole page at once. */
const agentsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const users = () => strapi.db.query(ADMIN_USER);
  return {
    /** The active admin users, for the assign picker. */
    async active(): Promise<Agent[]> {
      const rows = await users().findMany({ select: FIELDS, where: { isActive: true }, orderBy: [{ firstname: 'asc' }, { id: 'asc' }] });
      return rows.map(toAgent);
    },

    /** The active admin user with this id, or null. */
    async activeById(id: number): Promise<Agent | null> {
      const row = await users().findOne({ select: FIELDS, where: { id, isActive: true } });
      return row ? toAgent(row) : null;
    },

    /**
     * One query for every id and email of a page. Replies stored before the sender's id was
     * recorded name them by email only.
     */
    async resolve(ids: Array<number | null | undefined>, emails: Array<string | null | undefined> = []) {
      const idList = [...new Set(ids.filter((v): v is number => Number.isInteger(v)))];
      const emailList = [...new Set(emails.filter((v): v is string => typeof v === 'string' && v !== '').map((e) => e.toLowerCase()))];
      const or: any[] = [];
      if (idList.length) or.push({ id: { $in: idList } });
      if (emailList.length) or.push({ email: { $in: emailList } });
      const rows = or.length ? await users().findMany({ select: FIELDS, where: { $or: or } }) : [];
      const byId = new Map<number, Agent>(rows.map((r: any) => [r.id, toAgent(r)]));
      const byEmail = new Map<string, Agent>(rows.map((r: any) => [String(r.email).toLowerCase(), toAgent(r)]));
      return {
        byId: (id: number | null | undefined) => (id == null ? null : byId.get(id) ?? null),
        /** A deleted user keeps the address they were known by. */
        byEmail: (email: string | null | undefined) => (email ? byEmail.get(email.toLowerCase()) ?? { id: 0, name: email, email } : null),
      };
    },
  };
};

export type AgentsService = ReturnType<typeof agentsService>;
export default agentsService;
