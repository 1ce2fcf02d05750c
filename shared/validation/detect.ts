/** Body of "Detect settings": one address, nothing else. */
import * as yup from 'yup';
import { REQUIRED, address, onlyKnownKeys } from './fields';

export const detectSchema = yup
  .object({ email: address().required(REQUIRED) })
  .test('known-fields', '', onlyKnownKeys(['email'], 'a detect request'));
