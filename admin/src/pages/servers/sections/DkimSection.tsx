import { SecretField, TextField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';

export const DkimSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { secret } = useSharedLabels();
  const { field, readable } = form;
  return (
    <Section title={t('section.dkim', 'DKIM signing (optional)')}>
      <Cell>
        <TextField
          {...field('dkimDomain')}
          label={t('field.dkimDomain', 'DKIM domain')}
          hint={t('hint.dkimDomain', 'The domain that signs, e.g. example.com')}
        />
      </Cell>
      <Cell>
        <TextField
          {...field('dkimSelector')}
          label={t('field.dkimSelector', 'DKIM selector')}
          hint={t(
            'hint.dkimSelector',
            'The public key goes in a TXT record at selector._domainkey.domain, e.g. mail._domainkey.example.com'
          )}
        />
      </Cell>
      <Cell size={12}>
        <SecretField
          {...field('dkimPrivateKey')}
          label={t('field.dkimPrivateKey', 'DKIM private key (PEM)')}
          multiline
          isSet={readable('dkimPrivateKey')}
          labels={secret}
          hint={t('hint.dkimPrivateKey', 'Domain, selector and key are needed together, or none of them')}
        />
      </Cell>
    </Section>
  );
};
