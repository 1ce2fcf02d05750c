/** The query of GET /email-server/servers/:documentId/activity. */
import * as yup from 'yup';
import { onlyKnownKeys, page } from './fields';

export const activityQuerySchema = yup
  .object({ before: page().nullable() })
  .test('known-fields', '', onlyKnownKeys(['before'], 'the activity query'));
