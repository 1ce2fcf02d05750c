/** The query of GET /email-server/servers/:documentId/activity. */
import * as yup from 'yup';
import { onlyKnownKeys, page } from './fields';

/** Entry ids are PostgreSQL int4: a larger `before` would fail the query (500) instead of the field. */
export const MAX_ACTIVITY_ID = 2147483647;

export const activityQuerySchema = yup
  .object({ before: page().max(MAX_ACTIVITY_ID, `Must be at most ${MAX_ACTIVITY_ID}.`).nullable() })
  .test('known-fields', '', onlyKnownKeys(['before'], 'the activity query'));
