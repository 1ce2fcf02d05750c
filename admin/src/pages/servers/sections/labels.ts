import { useT } from '../../../hooks/useT';

/** Words several sections share: a secret's state, yes/no toggles, the security modes. */
export const useSharedLabels = () => {
  const t = useT();
  return {
    secret: {
      set: t('secret.set', 'Set'),
      notSet: t('secret.notSet', 'Not set'),
      replace: t('secret.replace', 'Replace'),
      keep: t('secret.keep', 'Keep current'),
    },
    toggle: { onLabel: t('toggle.yes', 'Yes'), offLabel: t('toggle.no', 'No') },
    authMethods: [
      { value: 'password', label: t('authMethod.password', 'Password') },
      { value: 'oauth2', label: t('authMethod.oauth2', 'OAuth2 (Google, Microsoft 365, other)') },
    ],
    oauthUsernameHint: t('hint.oauthUsername', 'Optional: defaults to the connected account'),
    security: [
      { value: '', label: t('security.auto', 'Automatic (from the port)') },
      { value: 'tls', label: t('security.tls', 'TLS (implicit)') },
      { value: 'starttls', label: t('security.starttls', 'STARTTLS (required)') },
      { value: 'none', label: t('security.none', 'None (plain text)') },
    ],
  };
};
