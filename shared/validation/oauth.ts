/** Bodies of the OAuth2 Connect routes (shared/contracts/oauth.ts). */
import * as yup from 'yup';
import { REQUIRED, onlyKnownKeys } from './fields';

const param = (max: number) => yup.string().typeError('Must be text.').nullable().max(max, `Must be at most ${max} characters.`);

export const oauthStartSchema = yup.object({}).test('known-fields', '', onlyKnownKeys([], 'an OAuth start'));

export const oauthCallbackSchema = yup
  .object({
    state: param(512).required(REQUIRED),
    code: param(4096),
    error: param(256),
    // Providers write sentences here; a long one is shortened in the message, not refused.
    error_description: param(8192),
  })
  .test('known-fields', '', onlyKnownKeys(['state', 'code', 'error', 'error_description'], 'an OAuth callback'));
