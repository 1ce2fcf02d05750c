import crypto from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { newDocumentId } from '../../../utils/ids';
import { cut, VARCHAR } from '../../../utils/fit';
import { UIDS, getService, pluginConfig } from '../../../utils';
import type { CampaignMail } from './classify';
import type { CampaignTarget } from './match';
import type { Report, ReportEntry } from './report';

const SOFT_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** What ingest does with the mail afterwards. */
export interface Applied {
  /** A report or auto-reply: recorded on the campaign, never an Inbox conversation. */
  consumed: boolean;
  /** False for a report recorded before (fetched again): it counts as a duplicate, not as stored. */
  recorded: boolean;
  /** A reply: the campaign its conversation is linked to. */
  campaign: string | null;
}

/**
 * The entry of a report that is about this recipient. A report changes only the row its quoted
 * ids name, and only when the address it names is that row's: an entry naming the address
 * (Final-Recipient, Original-Recipient, Original-Rcpt-To, or the bounce's prose), else a single
 * entry whose quoted original was sent To that address (forwarding changes the final one).
 * A report naming no address at all (an ARF whose provider redacted the recipient) changes
 * nothing: the ids are in every mail's headers and recipient ids are sequential, so ids alone
 * would let one forged mail per id unsubscribe and suppress a whole list.
 */
export const entryFor = (report: Report, email: string): ReportEntry | null => {
  const named = report.entries.find((e) => e.addresses.includes(email));
  if (named) return named;
  if (report.entries.length === 1 && report.original.to.includes(email)) return report.entries[0];
  return null;
};

/** Delivery reports, complaints, replies and auto-replies about campaign mails (README "Bounces and replies"). */
const campaignReportsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const q = (uid: string) => strapi.db.query(uid as any);

  /** The recipient a campaign mail was sent to; a row never sent to has no reports. */
  const sentRecipient = async (target: CampaignTarget) => {
    const row = await q(UIDS.recipient).findOne({ where: { id: target.recipient, campaign: target.campaign } });
    return row?.sentAt ? row : null;
  };

  const campaignName = async (documentId: string) =>
    ((await q(UIDS.campaign).findOne({ select: ['name'], where: { documentId } })) as any)?.name ?? documentId;

  const suppress = async (row: any, reason: 'bounced' | 'complained', what: string) => {
    const name = await campaignName(row.campaign);
    await getService(strapi, 'suppressions').add(row.email, reason, cut(`${what}, campaign "${name}"`, VARCHAR));
  };

  const applyReport = async (mail: Extract<CampaignMail, { type: 'report' }>, receivedAt: Date): Promise<'new' | 'again' | null> => {
    const row = await sentRecipient(mail.target);
    const entry = row && entryFor(mail.report, row.emailKey);
    if (!row || !entry) return null;
    // One row per report and recipient: the same report fetched again changes nothing.
    const reportKey = `${crypto.createHash('sha256').update(mail.reportId).digest('hex').slice(0, 40)}:${row.id}`;
    if (await q(UIDS.bounce).findOne({ select: ['id'], where: { reportKey } })) return 'again';
    await q(UIDS.bounce).create({
      data: {
        documentId: newDocumentId(),
        campaign: row.campaign,
        recipient: row.id,
        emailKey: row.emailKey,
        kind: entry.kind,
        statusCode: entry.statusCode,
        diagnostic: entry.diagnostic,
        reportKey,
        receivedAt,
      },
    });
    const said = [entry.statusCode, entry.diagnostic].filter(Boolean).join(' ');
    if (entry.kind === 'hard') {
      await q(UIDS.recipient).update({
        where: { id: row.id },
        data: { ...(row.status === 'unsubscribed' ? {} : { status: 'bounced' }), lastError: entry.diagnostic ?? `Bounced${entry.statusCode ? ` (${entry.statusCode})` : ''}` },
      });
      await suppress(row, 'bounced', `Bounced${said ? `: ${said}` : ''}`);
    } else if (entry.kind === 'soft') {
      await q(UIDS.recipient).update({
        where: { id: row.id },
        data: { softBounces: (row.softBounces ?? 0) + 1, lastError: entry.diagnostic ?? `Delayed${entry.statusCode ? ` (${entry.statusCode})` : ''}` },
      });
      const limit = pluginConfig(strapi).campaigns.softBounceLimit;
      // Mails, not reports: a relay warns about one undelivered mail every few hours, which says
      // nothing about the next. receivedAt is our storing time, never the sender's Date.
      const soft = await q(UIDS.bounce).findMany({
        select: ['recipient'],
        where: { emailKey: row.emailKey, kind: 'soft', receivedAt: { $gte: new Date(Date.now() - SOFT_WINDOW_MS) } },
      });
      const recent = new Set(soft.map((b: any) => b.recipient)).size;
      if (recent >= limit) await suppress(row, 'bounced', `${recent} soft bounces within 30 days${said ? `, last: ${said}` : ''}`);
    } else {
      await q(UIDS.recipient).update({ where: { id: row.id }, data: { status: 'unsubscribed' } });
      await suppress(row, 'complained', entry.diagnostic ?? 'Complaint');
    }
    return 'new';
  };

  /** Stamps `field` once on the first named recipient that exists; its campaign, or null. */
  const stampFirst = async (targets: CampaignTarget[], fieldName: 'repliedAt' | 'autoRepliedAt', at: Date) => {
    for (const target of targets) {
      const row = await sentRecipient(target);
      if (!row) continue;
      if (!row[fieldName]) await q(UIDS.recipient).update({ where: { id: row.id }, data: { [fieldName]: at } });
      return row.campaign as string;
    }
    return null;
  };

  return {
    /**
     * Applies what a fetched mail says about a campaign; null when it is about nothing of ours
     * (then it is an ordinary mail). Runs in ingest's transaction, with the mail's rows.
     */
    async apply(mail: CampaignMail, receivedAt: Date): Promise<Applied | null> {
      if (mail.type === 'report') {
        const outcome = await applyReport(mail, receivedAt);
        return outcome ? { consumed: true, recorded: outcome === 'new', campaign: null } : null;
      }
      const campaign = await stampFirst(mail.targets, mail.type === 'reply' ? 'repliedAt' : 'autoRepliedAt', receivedAt);
      if (!campaign) return null;
      return { consumed: mail.type === 'auto-reply', recorded: true, campaign };
    },
  };
};

export type CampaignReportsService = ReturnType<typeof campaignReportsService>;
export default campaignReportsService;
