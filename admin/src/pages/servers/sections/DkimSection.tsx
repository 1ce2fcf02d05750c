import { SecretField, TextField } from '../../../components/FormFields';
import { Cell, Section } from '../../../components/Layout';
import { useT } from '../../../hooks/useT';
import type { ServerFormState } from '../useServerForm';
import { useSharedLabels } from './labels';

export const DkimSection = ({ form }: { form: ServerFormState }) => {
  const t = useT();
  const { secret } = useSharedLabels();
  const { values, set, shown, readable } = form;
  return (
    <Section title={t('section.dkim', 'DKIM signing (optional)')}>
      <Cell>
        <TextField
          name="dkimDomain"
          label={t('field.dkimDomain', 'DKIM domain')}
          value={values.dkimDomain}
          onChange={set('dkimDomain')}
          error={shown('dkimDomain')}
          hint={t('hint.dkimDomain', 'The domain that signs, e.g. example.com')}
        />
      </Cell>
      <Cell>
        <TextField
          name="dkimSelector"
          label={t('field.dkimSelector', 'DKIM selector')}
          value={values.dkimSelector}
          onChange={set('dkimSelector')}
          error={shown('dkimSelector')}
          hint={t(
            'hint.dkimSelector',
            'The public key goes in a TXT record at selector._domainkey.domain, e.g. mail._domainkey.example.com'
          )}
        />
      </Cell>
      <Cell size={12}>
        <SecretField
          name="dkimPrivateKey"
          label={t('field.dkimPrivateKey', 'DKIM private key (PEM)')}
          multiline
          isSet={readable('dkimPrivateKey')}
          labels={secret}
          value={values.dkimPrivateKey}
          onChange={set('dkimPrivateKey')}
          error={shown('dkimPrivateKey')}
          hint={t('hint.dkimPrivateKey', 'Domain, selector and key are needed together, or none of them')}
        />
      </Cell>
    </Section>
  );
};
