import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { BUILT_IN_VARIABLES, MAX_RECIPIENTS, RECIPIENT_STATUSES, type Campaign, type CampaignInput, type OnLimit, type CampaignServerOption, type CampaignStatus, type Recipient, type RecipientInput, type RecipientStatus, type RejectedRecipient } from '../../../../shared/contracts/campaigns';
import { recipientProblem, variablesOf } from '../../../../shared/validation/campaigns';
import { newDocumentId } from '../../utils/ids';
import { UIDS, getService } from '../../utils';
import { fieldError } from '../../utils/validate';
import { rawTable } from '../../utils/raw-table';
import { lockServerRow } from '../servers/in-use';
import { isUniqueViolation } from '../../utils/db-errors';
import type { StoredServer } from '../servers/servers';
import { assertTemplatesParse } from './template';

export interface StoredCampaign {
  id: number;
  documentId: string;
  name: string;
  server: string;
  subject: string;
  html: string | null;
  text: string | null;
  status: CampaignStatus;
  scheduledAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  pauseReason: string | null;
  template: string | null;
  layoutHtml: string | null;
  layoutText: string | null;
  trackOpens: boolean;
  trackClicks: boolean;
  onLimit?: OnLimit | null;
  /** Set by the queue while the server's daily or hourly limit holds the campaign back. */
  waitingUntil?: string | null;
  waitReason?: string | null;
  createdAt: string;
  updatedAt: string;
}

export type Counts = Record<RecipientStatus | 'total' | 'delivered' | 'opened' | 'clicked' | 'replied' | 'autoReplied', number>;

/** The wait shows while it lasts: a window that is over is no reason any more. */
const waitingOf = (row: StoredCampaign) => {
  const until = row.waitingUntil ? new Date(row.waitingUntil) : null;
  const waiting = row.status === 'sending' && until !== null && until.getTime() > Date.now();
  return { waitingUntil: waiting ? until!.toISOString() : null, waitReason: waiting ? row.waitReason ?? null : null };
};

const emptyCounts = (): Counts =>
  Object.fromEntries([...RECIPIENT_STATUSES, 'total', 'delivered', 'opened', 'clicked', 'replied', 'autoReplied'].map((k) => [k, 0])) as Counts;

/** States in which the content and the list may still change. */
const EDITABLE: CampaignStatus[] = ['draft', 'scheduled'];

const conflict = (message: string) => new errors.ApplicationError(message);

const assertEditable = (campaign: StoredCampaign) => {
  if (!EDITABLE.includes(campaign.status)) throw conflict(`Recipients cannot be added to a ${campaign.status} campaign.`);
};

/**
 * Campaigns and their recipient lists: creating and editing them, the state changes a person
 * asks for (send, schedule, pause, resume, cancel) and the counts shown while they run. The
 * sending itself is the campaign queue's.
 */
const campaignsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const campaigns = () => strapi.db.query(UIDS.campaign);
  const recipients = () => strapi.db.query(UIDS.recipient);

  const counts = async (documentIds: string[]): Promise<Map<string, Counts>> => {
    const out = new Map(documentIds.map((id) => [id, emptyCounts()]));
    if (documentIds.length === 0) return out;
    const { knex, col } = rawTable(strapi, UIDS.recipient);
    const rows = await knex()
      .select(col('campaign'), col('status'))
      .count({ n: '*' })
      .whereIn(col('campaign'), documentIds)
      .groupBy(col('campaign'), col('status'));
    for (const row of rows as any[]) {
      const c = out.get(row[col('campaign')])!;
      c[row[col('status')] as RecipientStatus] = Number(row.n);
      c.total += Number(row.n);
    }
    const tracked = await knex()
      .select(col('campaign'))
      .count({ delivered: col('deliveredAt'), opened: col('openedAt'), clicked: col('clickedAt'), replied: col('repliedAt'), autoReplied: col('autoRepliedAt') })
      .whereIn(col('campaign'), documentIds)
      .groupBy(col('campaign'));
    for (const row of tracked as any[]) {
      const c = out.get(row[col('campaign')])!;
      c.delivered = Number(row.delivered);
      c.opened = Number(row.opened);
      c.clicked = Number(row.clicked);
      c.replied = Number(row.replied);
      c.autoReplied = Number(row.autoReplied);
    }
    return out;
  };

  const serverRefs = async (documentIds: string[]) => {
    const rows = (await strapi.db.query(UIDS.server).findMany({
      select: ['documentId', 'name', 'type'],
      where: { documentId: { $in: [...new Set(documentIds)] } },
    })) as Array<Pick<StoredServer, 'documentId' | 'name' | 'type'>>;
    return new Map(rows.map((r) => [r.documentId, { documentId: r.documentId, name: r.name, type: r.type }]));
  };

  const toPublicMany = async (rows: StoredCampaign[]): Promise<Campaign[]> => {
    const [countsById, servers, layouts] = await Promise.all([
      counts(rows.map((r) => r.documentId)),
      serverRefs(rows.map((r) => r.server)),
      getService(strapi, 'templates').refs(rows.map((r) => r.template)),
    ]);
    return rows.map((row) => ({
      documentId: row.documentId,
      name: row.name,
      status: row.status,
      server: servers.get(row.server) ?? null,
      subject: row.subject,
      html: row.html ?? null,
      text: row.text ?? null,
      variables: variablesOf(row.subject, row.html, row.text),
      template: (row.template && layouts.get(row.template)) || null,
      trackOpens: Boolean(row.trackOpens),
      trackClicks: Boolean(row.trackClicks),
      onLimit: row.onLimit === 'fallback' ? 'fallback' : 'wait',
      ...waitingOf(row),
      scheduledAt: row.scheduledAt ?? null,
      startedAt: row.startedAt ?? null,
      completedAt: row.completedAt ?? null,
      pauseReason: row.pauseReason ?? null,
      counts: countsById.get(row.documentId)!,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }));
  };

  /** The server a campaign names: a documentId or a name in any case. */
  const resolveServer = async (ref: string): Promise<StoredServer> => {
    const server = await getService(strapi, 'servers').findByRefCached(ref);
    if (!server) throw fieldError('server', `No email server is named "${ref}".`);
    return server;
  };

  /** The layout a campaign names: its documentId, or null. A layout that does not exist is a field error. */
  const resolveTemplate = async (ref: string | null | undefined): Promise<string | null> => {
    if (!ref) return null;
    const layout = await getService(strapi, 'templates').findOne(ref);
    if (!layout) throw fieldError('template', 'No layout has this id: choose one from the list.');
    return layout.documentId;
  };

  /**
   * The layout's HTML and text as they are now, copied onto a campaign that is sent or scheduled:
   * later edits or a deletion of the layout do not change its mails.
   */
  const layoutSnapshot = async (campaign: StoredCampaign) => {
    const layout = campaign.template ? await getService(strapi, 'templates').findOne(campaign.template) : null;
    return { layoutHtml: layout?.html ?? null, layoutText: layout?.text || null };
  };

  const setStatus = async (campaign: StoredCampaign, from: CampaignStatus[], data: Record<string, unknown>) => {
    // Conditional, so two people (or a person and the queue) cannot both move one campaign.
    const { count } = await campaigns().updateMany({ where: { id: campaign.id, status: { $in: from } }, data });
    if (count !== 1) {
      const now = await service.getOrThrow(campaign.documentId);
      throw conflict(`The campaign is ${now.status} now; reload and try again.`);
    }
    return service.getOrThrow(campaign.documentId);
  };

  const service = {
    /** The servers a campaign can be sent through, for editors who may not manage servers. */
    async serverOptions(): Promise<CampaignServerOption[]> {
      const rows = await getService(strapi, 'servers').list();
      return rows.map(({ documentId, name, type, enabled }) => ({ documentId, name, type, enabled }));
    },

    toPublic: async (row: StoredCampaign) => (await toPublicMany([row]))[0],
    toPublicMany,
    counts,

    async list(): Promise<StoredCampaign[]> {
      return campaigns().findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    },

    async getOrThrow(documentId: string): Promise<StoredCampaign> {
      const row = await campaigns().findOne({ where: { documentId } });
      if (!row) throw new errors.NotFoundError('Campaign not found.');
      return row;
    },

    async create(input: CampaignInput, list?: unknown): Promise<{ campaign: StoredCampaign; added: number; rejected: RejectedRecipient[] }> {
      assertTemplatesParse({ subject: [input.subject, 'header'], html: [input.html, 'html'], text: [input.text, 'text'] });
      const server = await resolveServer(input.server);
      const template = await resolveTemplate(input.template);
      const campaign = (await campaigns().create({
        data: {
          documentId: newDocumentId(),
          name: input.name,
          server: server.documentId,
          subject: input.subject,
          html: input.html || null,
          text: input.text || null,
          template,
          trackOpens: input.trackOpens === true,
          trackClicks: input.trackClicks === true,
          onLimit: input.onLimit ?? 'wait',
          status: 'draft',
        },
      })) as StoredCampaign;
      if (list === undefined || list === null) return { campaign, added: 0, rejected: [] };
      const { added, rejected } = await service.addRecipients(campaign, list);
      return { campaign, added, rejected };
    },

    async update(campaign: StoredCampaign, input: CampaignInput): Promise<StoredCampaign> {
      if (!EDITABLE.includes(campaign.status)) {
        throw conflict(`A ${campaign.status} campaign cannot be edited.`);
      }
      assertTemplatesParse({ subject: [input.subject, 'header'], html: [input.html, 'html'], text: [input.text, 'text'] });
      const server = await resolveServer(input.server);
      const data: Record<string, unknown> = {
        name: input.name,
        server: server.documentId,
        subject: input.subject,
        html: input.html || null,
        text: input.text || null,
        template: await resolveTemplate(input.template),
      };
      // Left out of the edit, the flags stay as they are.
      if (input.trackOpens !== undefined) data.trackOpens = input.trackOpens === true;
      if (input.trackClicks !== undefined) data.trackClicks = input.trackClicks === true;
      if (input.onLimit !== undefined) data.onLimit = input.onLimit;
      // Someone with campaigns.send approved what was scheduled: a changed mail or server goes back
      // to draft and is scheduled again by someone who may send.
      const contentChanged =
        (['server', 'subject', 'html', 'text', 'template'] as const).some((key) => (data[key] ?? null) !== (campaign[key] ?? null)) ||
        // onLimit too: 'fallback' sends through servers the approver did not choose.
        ('onLimit' in data && ((data as any).onLimit ?? 'wait') !== ((campaign as any).onLimit ?? 'wait')) ||
        (['trackOpens', 'trackClicks'] as const).some((key) => key in data && data[key] !== Boolean(campaign[key]));
      if (campaign.status === 'scheduled' && contentChanged) Object.assign(data, { status: 'draft', scheduledAt: null });
      // Conditional: the queue may have started it since it was read.
      const { count } = await campaigns().updateMany({ where: { id: campaign.id, status: campaign.status }, data });
      if (count !== 1) throw conflict('The campaign started meanwhile and can no longer be edited.');
      return service.getOrThrow(campaign.documentId);
    },

    async delete(campaign: StoredCampaign) {
      if (campaign.status === 'sending' || campaign.status === 'paused') {
        throw conflict('Cancel the campaign before deleting it.');
      }
      await strapi.db.transaction(async () => {
        await recipients().deleteMany({ where: { campaign: campaign.documentId } });
        await campaigns().delete({ where: { id: campaign.id } });
      });
    },

    /**
     * Adds recipients (`[{ email, data }]`), rejecting bad rows with a reason instead of failing the
     * whole list: bad address, missing variable, duplicate (in the list or already added).
     * `rowOffset` numbers rows as the person sees them (a CSV's header is row 1).
     */
    async addRecipients(campaign: StoredCampaign, list: unknown, rowOffset = 1): Promise<{ added: number; rejected: RejectedRecipient[] }> {
      if (!Array.isArray(list)) {
        assertEditable(campaign);
        throw fieldError('recipients', 'Must be a list of { email, data } objects.', 'Recipients must be a list of { email, data } objects.');
      }
      return service.addRecipientPages(campaign, (async function* () {
        yield { items: list, rowOffset };
      })());
    },

    /**
     * The same, for a list that arrives in pages (entries of a Strapi collection type), checked
     * and inserted page by page so it is never held in memory at once. A single page is added
     * whole or not at all. With `pageByPage`, each page commits on its own (a long import must
     * not hold SQLite's one connection, or the campaign's row on PostgreSQL, for its whole
     * length): a failure keeps the pages before it, and importing again skips what was added.
     * Reading stops at the recipient cap.
     */
    async addRecipientPages(
      campaign: StoredCampaign,
      pages: AsyncIterable<{ items: unknown[]; rowOffset: number }>,
      { pageByPage = false } = {}
    ): Promise<{ added: number; rejected: RejectedRecipient[] }> {
      assertEditable(campaign);
      const variables = variablesOf(campaign.subject, campaign.html, campaign.text);
      const rejected: RejectedRecipient[] = [];
      let added = 0;
      let expected = campaign.status;
      const insert = async (rows: Array<Record<string, unknown>>) =>
        strapi.db.transaction(async () => {
          // Conditional on the status read before the list was parsed (and a row lock until the
          // commit): a campaign scheduled or started meanwhile gets no rows. New recipients were
          // not part of what was scheduled: a scheduled one goes back to draft, as with an edit.
          const { count } = await campaigns().updateMany({
            where: { id: campaign.id, status: expected },
            data: expected === 'scheduled' ? { status: 'draft', scheduledAt: null } : { status: expected },
          });
          if (count !== 1) throw conflict(`The campaign was scheduled or started meanwhile${added ? ` (${added} recipients were added before that)` : ''}: open it again to add recipients.`);
          for (let i = 0; i < rows.length; i += 500) await recipients().createMany({ data: rows.slice(i, i + 500) });
        });
      // Every address the campaign has, and grows with the ones added here: its size is the count.
      const known = new Set<string>(
        (await recipients().findMany({ select: ['emailKey'], where: { campaign: campaign.documentId } })).map((r: any) => r.emailKey)
      );
      for await (const page of pages) {
        const rows: Array<Record<string, unknown>> = [];
        page.items.forEach((item, index) => {
          const row = index + page.rowOffset;
          const recipient = item as RecipientInput;
          const email = typeof recipient?.email === 'string' ? recipient.email.trim() : '';
          const problem = recipient && typeof recipient === 'object' ? recipientProblem(recipient, variables) : 'not an object';
          if (problem) return rejected.push({ row, email, reason: problem });
          const emailKey = email.toLowerCase();
          if (known.has(emailKey)) return rejected.push({ row, email, reason: 'duplicate address' });
          if (known.size >= MAX_RECIPIENTS) {
            return rejected.push({ row, email, reason: `a campaign has at most ${MAX_RECIPIENTS} recipients` });
          }
          known.add(emailKey);
          const data = Object.fromEntries(Object.entries(recipient.data ?? {}).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
          rows.push({ documentId: newDocumentId(), campaign: campaign.documentId, email, emailKey, data, status: 'queued', attempts: 0, nextAttemptAt: 0 });
        });
        if (rows.length > 0) {
          try {
            await insert(rows);
          } catch (error) {
            // Two imports into one campaign at once: the unique index keeps each address once.
            if (isUniqueViolation(error)) {
              throw conflict(`Another import into this campaign ran at the same time${added ? ` (${added} recipients were added before that)` : ''}: import again to add the rest; addresses already added are skipped.`);
            }
            throw error;
          }
          added += rows.length;
          if (expected === 'scheduled') expected = 'draft';
        }
        if (pageByPage && known.size >= MAX_RECIPIENTS) {
          // The rest of a large collection is not read only to be refused row by row.
          rejected.push({ row: page.rowOffset + page.items.length - 1, email: '', reason: `a campaign has at most ${MAX_RECIPIENTS} recipients: reading stopped after this row` });
          break;
        }
      }
      return { added, rejected };
    },

    async listRecipients(campaign: StoredCampaign, query: { status?: string | null; q?: string | null; page: number; pageSize: number }) {
      const where: Record<string, unknown> = { campaign: campaign.documentId };
      if (query.status) where.status = query.status;
      if (query.q) where.emailKey = { $containsi: query.q.toLowerCase() };
      const [rows, total] = await Promise.all([
        recipients().findMany({ where, orderBy: { id: 'asc' }, offset: (query.page - 1) * query.pageSize, limit: query.pageSize }),
        recipients().count({ where }),
      ]);
      return {
        data: rows.map((r: any): Recipient => ({
          id: r.id,
          email: r.email,
          data: r.data ?? {},
          status: r.status,
          attempts: r.attempts ?? 0,
          lastError: r.lastError ?? null,
          sentVia: r.sentVia ?? null,
          sentAt: r.sentAt ?? null,
          deliveredAt: r.deliveredAt ?? null,
          openedAt: r.openedAt ?? null,
          clickedAt: r.clickedAt ?? null,
          repliedAt: r.repliedAt ?? null,
          autoRepliedAt: r.autoRepliedAt ?? null,
          softBounces: r.softBounces ?? 0,
        })),
        meta: { pagination: { page: query.page, pageSize: query.pageSize, pageCount: Math.ceil(total / query.pageSize), total } },
      };
    },

    /** Sends now, or at `at`. Checks everything a mail would need first. */
    async send(campaign: StoredCampaign, at?: Date | null): Promise<StoredCampaign> {
      if (!EDITABLE.includes(campaign.status)) throw conflict(`A ${campaign.status} campaign cannot be sent again.`);
      const server = await getService(strapi, 'servers').findOne(campaign.server);
      if (!server) throw fieldError('server', 'The campaign\'s email server no longer exists: choose another one.');
      if (!server.enabled) throw fieldError('server', `The email server "${server.name}" is disabled.`);
      const total = await recipients().count({ where: { campaign: campaign.documentId } });
      if (total === 0) throw conflict('The campaign has no recipients yet: import a CSV file or add them first.');
      getService(strapi, 'unsubscribe').assertReachable();
      await service.assertVariablesCovered(campaign);
      await service.markSuppressed(campaign.documentId);
      const snapshot = await layoutSnapshot(campaign);
      const data =
        at && at.getTime() > Date.now()
          ? { status: 'scheduled', scheduledAt: at, pauseReason: null, ...snapshot }
          : { status: 'sending', scheduledAt: null, startedAt: new Date(), pauseReason: null, ...snapshot };
      // The server's row held shared: a delete of the server at this moment waits, then sees the campaign under way.
      const updated = await strapi.db.transaction(async ({ trx }) => {
        if (!(await lockServerRow(strapi, trx, campaign.server, 'share'))) throw fieldError('server', 'The campaign\'s email server no longer exists: choose another one.');
        return setStatus(campaign, EDITABLE, data);
      });
      if (updated.status === 'sending') getService(strapi, 'campaign-queue').wake();
      return updated;
    },

    /** A template edited after recipients were added may use a variable some of them lack. */
    async assertVariablesCovered(campaign: StoredCampaign) {
      const variables = variablesOf(campaign.subject, campaign.html, campaign.text).filter((v) => !BUILT_IN_VARIABLES.includes(v));
      if (variables.length === 0) return;
      const problems: string[] = [];
      let lastId = 0;
      for (;;) {
        const page = await recipients().findMany({
          select: ['id', 'data'],
          where: { campaign: campaign.documentId, status: 'queued', id: { $gt: lastId } },
          orderBy: { id: 'asc' },
          limit: 2000,
        });
        if (page.length === 0) break;
        lastId = page[page.length - 1].id;
        for (const name of variables) {
          const missing = page.filter((r: any) => !String(r.data?.[name] ?? '').trim()).length;
          if (missing > 0) problems.push(name);
        }
      }
      const names = [...new Set(problems)];
      if (names.length > 0) {
        const message = `Some recipients have no value for ${names.map((n) => `{{${n}}}`).join(', ')}: add the column to the list, give the variable a default ({{ ${names[0]} | default: "…" }}) or remove it.`;
        throw fieldError('recipients', message);
      }
    },

    /** Recipients on the suppression list are skipped, not sent to. */
    async markSuppressed(campaignDocumentId: string) {
      const recipientsTable = rawTable(strapi, UIDS.recipient);
      const suppressionsTable = rawTable(strapi, UIDS.suppression);
      await recipientsTable
        .knex()
        .where(recipientsTable.col('campaign'), campaignDocumentId)
        .andWhere(recipientsTable.col('status'), 'queued')
        .whereIn(recipientsTable.col('emailKey'), suppressionsTable.knex().select(suppressionsTable.col('emailKey')))
        .update(recipientsTable.columns({ status: 'suppressed', lastError: 'On the suppression list.' }));
    },

    pause: (campaign: StoredCampaign, reason: string | null = null) =>
      setStatus(campaign, ['sending', 'scheduled'], { status: 'paused', pauseReason: reason }),

    /** Back to sending, or to waiting when it was paused before its scheduled time. */
    async resume(campaign: StoredCampaign) {
      const updated =
        campaign.scheduledAt && !campaign.startedAt && new Date(campaign.scheduledAt).getTime() > Date.now()
          ? await setStatus(campaign, ['paused'], { status: 'scheduled', pauseReason: null })
          : await setStatus(campaign, ['paused'], { status: 'sending', pauseReason: null, startedAt: campaign.startedAt ?? new Date() });
      if (updated.status === 'sending') getService(strapi, 'campaign-queue').wake();
      return updated;
    },

    async cancel(campaign: StoredCampaign) {
      const updated = await setStatus(campaign, ['draft', 'scheduled', 'sending', 'paused'], {
        status: 'cancelled',
        completedAt: new Date(),
      });
      // Mails in flight finish; nothing else goes out.
      await recipients().updateMany({ where: { campaign: campaign.documentId, status: 'queued' }, data: { status: 'cancelled' } });
      return updated;
    },
  };
  return service;
};

export type CampaignsService = ReturnType<typeof campaignsService>;
export default campaignsService;
