import type { Core } from '@strapi/strapi';
import { ACTIVITY_EVENTS, type ActivityEvent } from '../../../../shared/contracts/activity';
import { getService } from '../../utils';

interface CampaignLike {
  documentId: string;
  name: string;
  server: string;
  status: string;
  scheduledAt?: string | Date | null;
}

/** A campaign's state change, listed in its server's activity too. */
export const recordCampaign = (strapi: Core.Strapi, event: ActivityEvent, campaign: CampaignLike) =>
  getService(strapi, 'activity').record(event, {
    subject: { type: 'campaign', documentId: campaign.documentId, name: campaign.name },
    server: campaign.server,
    details: { status: campaign.status, server: campaign.server, ...(campaign.status === 'scheduled' ? { scheduledAt: campaign.scheduledAt ?? null } : {}) },
  });

/** A send that only waits for its time is a schedule. */
export const sendEventOf = (campaign: CampaignLike) => (campaign.status === 'scheduled' ? ACTIVITY_EVENTS.campaignSchedule : ACTIVITY_EVENTS.campaignSend);
