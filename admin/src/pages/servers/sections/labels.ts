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
    security: [
      { value: '', label: t('security.auto', 'Automatic (from the port)') },
      { value: 'tls', label: t('security.tls', 'TLS (implicit)') },
      { value: 'starttls', label: t('security.starttls', 'STARTTLS (required)') },
      { value: 'none', label: t('security.none', 'None (plain text)') },
    ],
  };
};
