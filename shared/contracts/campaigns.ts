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

export const CAMPAIGN_FIELDS = ['name', 'server', 'subject', 'html', 'text', 'template', 'trackOpens', 'trackClicks', 'onLimit'] as const;

/** What a campaign does when its server's daily or hourly limit is reached: wait for the next window, or go on through the server's fallback. */
export const ON_LIMIT = ['wait', 'fallback'] as const;
export type OnLimit = (typeof ON_LIMIT)[number];

export interface CampaignInput {
  name: string;
  server: string;
  subject: string;
  /** Liquid (https://liquidjs.com): `{{ firstName | default: "there" }}`, `{% if %}`. */
  html?: string | null;
  /** Generated from the HTML (html-to-text) when absent. */
  text?: string | null;
  /** A layout's documentId: its HTML holds `{{ content }}` where this body goes. */
  template?: string | null;
  /** Off by default: a 1×1 pixel per recipient (privacy; Apple Mail Privacy Protection inflates opens). */
  trackOpens?: boolean;
  /** Off by default: links go through /api/email-server/t/c/<token>, which redirects (302). */
  trackClicks?: boolean;
  /** Default 'wait'. */
  onLimit?: OnLimit;
}

/** POST /campaigns/:documentId/preview; the content fields override the stored ones (the form's unsaved edits). */
export interface PreviewInput {
  /** A recipient of the campaign; default: the first one, or sample values when there are none. */
  email?: string;
  subject?: string;
  html?: string | null;
  text?: string | null;
  template?: string | null;
}

/** What one recipient gets. `text` is always there: generated from the HTML when the campaign has none. */
export interface CampaignPreview {
  subject: string;
  html: string | null;
  text: string;
  /** The recipient rendered for, or null when sample values were used. */
  recipient: string | null;
}

/** POST /campaigns/:documentId/test: the rendered mail to up to 10 addresses, subject prefixed `[Test] `. */
export interface TestSendInput {
  to: string[];
  email?: string;
}
export const MAX_TEST_ADDRESSES = 10;

/** A layout (`template` content type). */
export interface Template {
  documentId: string;
  name: string;
  html: string;
  text: string | null;
  createdAt: string;
  updatedAt: string;
}
export const TEMPLATE_FIELDS = ['name', 'html', 'text'] as const;
export interface TemplateInput {
  name: string;
  html: string;
  text?: string | null;
}

/** An audience read from a Strapi collection type, page by page. */
export interface RecipientSource {
  /** e.g. `plugin::users-permissions.user` */
  contentType: string;
  /** Strapi's filter syntax, e.g. `{ confirmed: { $eq: true }, blocked: { $eq: false } }`. */
  filters?: Record<string, unknown>;
  /** Default: the first attribute of type `email`. */
  emailField?: string;
}

/** GET /campaigns/sources: collection types the caller may read that have an email attribute. */
export interface RecipientSourceOption {
  uid: string;
  displayName: string;
  emailFields: string[];
  /** Scalar attributes: they become the recipient's variables. */
  fields: string[];
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
  /** Recipients who answered (a conversation in the Inbox is linked to the campaign). */
  replied: number;
  /** Recipients whose mail program answered automatically (out of office). */
  autoReplied: number;
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
  /** Variables a recipient must have: those used without a `default` filter. */
  variables: string[];
  template: { documentId: string; name: string } | null;
  trackOpens: boolean;
  trackClicks: boolean;
  scheduledAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  /** Why it paused itself; null when a person paused it. */
  pauseReason: string | null;
  /** What it does when its server's daily or hourly limit is reached. */
  onLimit: OnLimit;
  /** While sending: held back by a server's limit until this time (the next window), and why; null otherwise. */
  waitingUntil: string | null;
  waitReason: string | null;
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
  /** documentId of the server that took the mail: the campaign's, or a fallback; null until sent. */
  sentVia: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  openedAt: string | null;
  clickedAt: string | null;
  repliedAt: string | null;
  autoRepliedAt: string | null;
  /** Soft bounces (4.x.x, `delayed`) recorded for this recipient. */
  softBounces: number;
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
