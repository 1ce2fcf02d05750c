/**
 * Validation of campaigns, their recipients and the suppression list, shared by the admin forms
 * and the server. Imports only yup, liquidjs (its browser build in the admin) and the contracts.
 */
import * as yup from 'yup';
import {
  BUILT_IN_VARIABLES,
  CAMPAIGN_FIELDS,
  MAX_TEST_ADDRESSES,
  ON_LIMIT,
  TEMPLATE_FIELDS,
  RECIPIENT_STATUSES,
  SUPPRESSION_REASONS,
  type CampaignInput,
  type OnLimit,
} from '../contracts/campaigns';
import { REQUIRED, body, isValidAddress, line, onlyKnownKeys, page } from './fields';
import { addressList } from './inbox';
import { requiredVariables } from '../liquid';

/** Set by the plugin for every recipient: never asked of a list. */
const PROVIDED = [...BUILT_IN_VARIABLES, '_track'];

/**
 * The variables a recipient must have, in order of first use: those the Liquid templates use
 * without a `default` filter (and outside an `if` condition), built-ins excluded.
 */
export const variablesOf = (...templates: Array<string | null | undefined>): string[] =>
  requiredVariables(...templates).filter((name) => !PROVIDED.includes(name));

const fields = {
  name: line(200).required(REQUIRED),
  server: line(200).required('Choose an email server.'),
  subject: line(998).required(REQUIRED),
  html: body(2_000_000),
  text: body(1_000_000).test('some-body', 'Give the campaign an HTML or a text body.', function (this: yup.TestContext, value) {
    const parent = this.parent as Partial<CampaignInput>;
    return Boolean((value && value.trim()) || (parent.html && parent.html.trim()));
  }),
  template: line(100).nullable(),
  trackOpens: yup.boolean().typeError('Must be true or false.'),
  trackClicks: yup.boolean().typeError('Must be true or false.'),
  onLimit: yup.mixed<OnLimit>().oneOf([...ON_LIMIT], 'Must be wait or fallback.'),
};

export const campaignSchema = yup
  .object({
    ...fields,
    recipients: yup
      .mixed()
      .optional()
      .test('list', 'Must be a list of { email, data } objects.', (v: unknown) => v === undefined || v === null || Array.isArray(v)),
  })
  .test('known-fields', '', onlyKnownKeys([...CAMPAIGN_FIELDS, 'recipients'], 'a campaign'));

/** An edit: validated merged onto the stored campaign, so it has the same rules. */
export const campaignUpdateSchema = yup
  .object(fields)
  .test('known-fields', '', onlyKnownKeys(CAMPAIGN_FIELDS, 'a campaign'));

export const sendSchema = yup
  .object({
    at: yup
      .date()
      .typeError('Must be a date and time such as 2030-01-31T09:00:00Z.')
      .nullable()
      .min(new Date(0), 'Must be a date and time.'),
  })
  .test('known-fields', '', onlyKnownKeys(['at'], 'a send request'));

/** POST /campaigns/:documentId/preview (and /campaigns/preview for an unsaved one). */
export const previewSchema = yup
  .object({
    email: line(254).nullable(),
    subject: line(998).nullable(),
    html: body(2_000_000),
    text: body(1_000_000),
    template: line(100).nullable(),
  })
  .test('known-fields', '', onlyKnownKeys(['email', 'subject', 'html', 'text', 'template'], 'a preview request'));

export const testSendSchema = yup
  .object({
    to: addressList(MAX_TEST_ADDRESSES).required(REQUIRED).min(1, REQUIRED),
    email: line(254).nullable(),
  })
  .test('known-fields', '', onlyKnownKeys(['to', 'email'], 'a test send'));

/** A layout. The `{{ content }}` check is the server's and the form's alike. */
export const CONTENT_PLACEHOLDER = /\{\{\s*content\s*\}\}/;
export const templateSchema = yup
  .object({
    name: line(200).required(REQUIRED),
    html: body(2_000_000)
      .required(REQUIRED)
      .test('content', 'Must contain {{ content }} where the campaign goes.', (v) => !v || CONTENT_PLACEHOLDER.test(v)),
    text: body(1_000_000).test('content', 'Must contain {{ content }} where the campaign goes.', (v) => !v || !v.trim() || CONTENT_PLACEHOLDER.test(v)),
  })
  .test('known-fields', '', onlyKnownKeys(TEMPLATE_FIELDS, 'a layout'));

/** `{ source }` of POST /campaigns/:documentId/recipients and /recipients/count. */
export const recipientSourceSchema = yup
  .object({
    source: yup
      .object({
        contentType: line(200).required(REQUIRED),
        filters: yup.mixed().test('filters', 'Must be an object of Strapi filters.', (v) => v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v))),
        emailField: line(100).nullable(),
      })
      .required(REQUIRED)
      .test('known-fields', '', onlyKnownKeys(['contentType', 'filters', 'emailField'], 'a source')),
  })
  .test('known-fields', '', onlyKnownKeys(['source'], 'an import from Strapi content'));

export const recipientQuerySchema = yup
  .object({
    status: yup.mixed().nullable().oneOf([...RECIPIENT_STATUSES, null, undefined, ''], `Must be one of ${RECIPIENT_STATUSES.join(', ')}.`),
    q: line(200).nullable(),
    page: page().default(1),
    pageSize: page().max(100, 'Must be at most 100.').default(20),
  })
  .test('known-fields', '', onlyKnownKeys(['status', 'q', 'page', 'pageSize'], 'the recipient list query'));

export const suppressionQuerySchema = yup
  .object({ q: line(200).nullable(), page: page().default(1), pageSize: page().max(100, 'Must be at most 100.').default(20) })
  .test('known-fields', '', onlyKnownKeys(['q', 'page', 'pageSize'], 'the suppression list query'));

export const suppressionSchema = yup
  .object({
    email: line(254)
      .required(REQUIRED)
      .test('address', 'Must be a single email address such as ann@example.com.', (v) => !v || isValidAddress(v)),
    reason: yup.mixed().oneOf([...SUPPRESSION_REASONS, undefined], `Must be one of ${SUPPRESSION_REASONS.join(', ')}.`),
  })
  .test('known-fields', '', onlyKnownKeys(['email', 'reason'], 'a suppression'));

/**
 * Why a recipient row cannot be added, or null when it can. `variables` are the ones the
 * campaign's template uses; a recipient must give each of them (a blank in a mail is worse than
 * a rejected row).
 */
export const recipientProblem = (row: { email?: unknown; data?: unknown }, variables: string[]): string | null => {
  const email = typeof row.email === 'string' ? row.email.trim() : '';
  if (!email) return 'missing email address';
  if (!isValidAddress(email)) return `not a valid email address: "${email.slice(0, 100)}"`;
  if (row.data !== undefined && row.data !== null && (typeof row.data !== 'object' || Array.isArray(row.data))) {
    return 'data must be an object of variables';
  }
  const data = (row.data ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    if (value !== null && typeof value === 'object') return `variable "${key}" must be text`;
    if (String(value ?? '').length > 10_000) return `variable "${key}" is longer than 10000 characters`;
  }
  for (const name of variables) {
    if (BUILT_IN_VARIABLES.includes(name)) continue;
    // Own keys only: "constructor" or "toString" must not count as given.
    const value = Object.prototype.hasOwnProperty.call(data, name) ? data[name] : undefined;
    if (value === undefined || value === null || String(value).trim() === '') return `missing variable "${name}"`;
  }
  return null;
};
