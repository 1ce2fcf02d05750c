import * as React from 'react';
import { useIntl } from 'react-intl';
import { getTranslation } from '../utils/getTranslation';

export type TranslateValues = Record<string, React.ReactNode>;

/** `t(id, defaultMessage, values)` for this plugin's messages, as a plain string. */
export const useT = () => {
  const { formatMessage } = useIntl();
  return React.useCallback(
    (id: string, defaultMessage: string, values?: TranslateValues) =>
      formatMessage({ id: getTranslation(id), defaultMessage }, values) as string,
    [formatMessage]
  );
};
