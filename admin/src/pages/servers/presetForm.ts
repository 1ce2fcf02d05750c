import type { EmailServerInput } from '../../../../shared/contracts/servers';
import type { FormValues } from './serverValues';

/** Proposed settings as form values: a null text becomes '' (a select's "none"), a null port empty. */
export const settingsToValues = (settings: Partial<EmailServerInput>): Partial<FormValues> =>
  Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [key, value ?? (key.endsWith('Port') ? undefined : '')])
  ) as Partial<FormValues>;
