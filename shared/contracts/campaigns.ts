/** The campaign routes of docs/campaigns-api.md: their inputs and the shapes they answer. */
import type { ServerType } from './servers';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled', 'failed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const RECIPIENT_STATUSES = ['queued', 'sending', 'sent', 'failed', 'bounced', 'unsubscribed', 'suppressed', 'cancelled'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export const MAX_RECIPIENTS = 100_000;

/** Variables every recipient has without a CSV column. */
export const BUILT_IN_VARIABLES = ['email', 'unsubscribeUrl'];

export const CAMPAIGN_FIELDS = ['name', 'server', 'subject', 'html', 'text'] as const;

export interface CampaignInput {
  name: string;
  server: string;
  subject: string;
  html?: string | null;
  text?: string | null;
}

export interface RecipientInput {
  email: string;
  data?: Record<string, string>;
}

/** Recipients by current status; they add up to `total`. */
export interface CampaignCounts {
  total: number;
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  bounced: number;
  unsubscribed: number;
  suppressed: number;
  cancelled: number;
  delivered: number;
  opened: number;
  clicked: number;
}

export interface Campaign {
  documentId: string;
  name: string;
  status: CampaignStatus;
  /** null once the server was deleted. */
  server: { documentId: string; name: string; type: ServerType } | null;
  subject: string;
  html: string | null;
  text: string | null;
  variables: string[];
  scheduledAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  /** Why it paused itself; null when a person paused it. */
  pauseReason: string | null;
  counts: CampaignCounts;
  createdAt: string;
  updatedAt: string;
}

export interface Recipient {
  id: number;
  email: string;
  data: Record<string, string>;
  status: RecipientStatus;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  openedAt: string | null;
  clickedAt: string | null;
}

export interface RejectedRecipient {
  /** 1-based row of the CSV or position in the JSON list. */
  row: number;
  email: string;
  reason: string;
}

/** `meta` of POST /campaigns/:documentId/recipients (and `data` of the import hook). */
export interface ImportResult {
  added: number;
  rejected: RejectedRecipient[];
}

/** GET /campaigns/servers: what an editor without servers.read may pick from. */
export interface CampaignServerOption {
  documentId: string;
  name: string;
  type: ServerType;
  enabled: boolean;
}

export interface Suppression {
  documentId: string;
  email: string;
  reason: SuppressionReason;
  source: string | null;
  createdAt: string;
}
