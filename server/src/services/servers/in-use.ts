import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { SERVER_UID, UIDS } from '../../utils';
import { rawTable } from '../../utils/raw-table';
import { UNDER_WAY } from '../campaigns/templates';

export interface CampaignRef {
  documentId: string;
  name: string;
}

/** A campaign scheduled, sending or paused goes through the server (answered as 409, naming them). */
export class ServerInUseError extends errors.ApplicationError {
  constructor(readonly campaigns: CampaignRef[]) {
    const names = campaigns.map((c) => `"${c.name}"`).join(', ');
    super(
      `This email server cannot be deleted while ${campaigns.length === 1 ? 'a campaign uses' : `${campaigns.length} campaigns use`} it (${names}): cancel ${campaigns.length === 1 ? 'it' : 'them'}, or let ${campaigns.length === 1 ? 'it' : 'them'} finish, first.`,
      { campaigns }
    );
  }
}

/**
 * Locks the server's row until the transaction `trx` ends; false when there is no such row. A
 * delete takes it exclusively ('update') and a campaign being scheduled or sent takes it shared
 * ('share'): whichever comes second waits, then sees the other's outcome (the campaign under
 * way, or the server gone). Share is FOR KEY SHARE, not FOR SHARE: it still conflicts with the
 * delete's FOR UPDATE and with DELETE, but lets the ordinary UPDATEs of the row's bookkeeping
 * (last send/poll, the OAuth refresh lease, needs-attention) go on while a send is open. SQLite runs one write transaction at a time, so it needs no lock.
 */
export const lockServerRow = async (strapi: Core.Strapi, trx: any, documentId: string, mode: 'update' | 'share') => {
  const table = rawTable(strapi, SERVER_UID);
  let query = trx(strapi.db.metadata.get(SERVER_UID).tableName)
    .select('id')
    .where(table.col('documentId'), documentId);
  if ((strapi.db.dialect.client as string) !== 'sqlite') query = mode === 'update' ? query.forUpdate() : query.forKeyShare();
  return (await query).length > 0;
};

/** The campaigns under way through a server, oldest first. */
export const campaignsUsing = async (strapi: Core.Strapi, documentId: string): Promise<CampaignRef[]> => {
  const rows = await strapi.db.query(UIDS.campaign).findMany({
    select: ['documentId', 'name'],
    where: { server: documentId, status: { $in: UNDER_WAY } },
    orderBy: { id: 'asc' },
  });
  return rows.map((r: any) => ({ documentId: r.documentId, name: r.name }));
};
