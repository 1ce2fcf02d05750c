import * as React from 'react';
import { useNavigate } from 'react-router-dom';
import type { HostBoundSecret, PublicServer, SecretField } from '../../../../shared/contracts/servers';
import { useNotify } from '../../hooks/useNotify';
import { useSaveServer } from '../../hooks/useServers';
import { useT } from '../../hooks/useT';
import { errorsFromResponse, type FieldErrors } from '../../utils/formErrors';
import { emptyValues, toPayload, validateForm, valuesFromServer, type FormValues } from './serverValues';

// "Re-enter the password: …" and "Re-enter the client secret: …" from the shared schema.
const REENTER = 'Re-enter the ';

/**
 * The server form's state and rules: the shared schema runs on every change, its errors show once
 * a field was touched or a submit tried; errors only the server can find (a duplicate name) stay
 * until that field changes.
 */
export const useServerForm = (server?: PublicServer) => {
  const t = useT();
  const navigate = useNavigate();
  const { toggleNotification, failed } = useNotify();
  const save = useSaveServer(server?.documentId);
  const isEdit = Boolean(server);

  const [values, setValues] = React.useState<FormValues>(() => (server ? valuesFromServer(server) : emptyValues));
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [serverErrors, setServerErrors] = React.useState<FieldErrors>({});
  const [submitted, setSubmitted] = React.useState(false);
  const [touched, setTouched] = React.useState<Set<string>>(new Set());

  // A secret that no longer decrypts counts as not stored: the form asks for it again.
  const readable = (field: SecretField) =>
    Boolean(server?.[`${field}Set` as const]) && !(server?.unreadableSecrets ?? []).includes(field);
  const context = React.useMemo(
    () => ({
      stored: {
        apiToken: readable('apiToken'),
        smtpPassword: readable('smtpPassword'),
        incomingPassword: readable('incomingPassword'),
        dkimPrivateKey: readable('dkimPrivateKey'),
        oauthClientSecret: readable('oauthClientSecret'),
      },
      // The saved connection: editing its host, port, security or certificate check asks for the
      // password again, with the same rule the server applies.
      original: server ? toPayload(valuesFromServer(server)) : null,
    }),
    [server]
  );
  /** Whether the stored password must be typed again now (the schema said so on its field). */
  const mustReenter = (field: HostBoundSecret | 'oauthClientSecret') =>
    Boolean((serverErrors[field] ?? errors[field])?.startsWith(REENTER)) || !readable(field);

  React.useEffect(() => {
    let current = true;
    validateForm(values, context).then((result) => {
      if (current) setErrors(result);
    });
    return () => {
      current = false;
    };
  }, [values, context]);

  /** Whether the form differs from what is stored: Connect account uses the saved settings only. */
  const dirty = React.useMemo(
    () => !context.original || JSON.stringify(toPayload(values)) !== JSON.stringify(context.original),
    [values, context]
  );

  const set =
    <K extends keyof FormValues>(key: K) =>
    (value: FormValues[K]) => {
      setValues((v) => ({ ...v, [key]: value }));
      setTouched((s) => new Set(s).add(key));
      setServerErrors((e) => ({ ...e, [key]: undefined }));
    };

  const shown = (key: string) =>
    serverErrors[key] ??
    // "Re-enter the password" shows as soon as the connection changed, not only once touched.
    (submitted || touched.has(key) || errors[key]?.startsWith(REENTER) ? errors[key] : undefined);

  /** What an input needs to show and edit one field: `<TextField {...field('smtpHost')} … />`. */
  const field = <K extends keyof FormValues>(key: K) => ({
    name: key,
    value: values[key],
    onChange: set(key),
    error: shown(key),
  });

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    const clientErrors = await validateForm(values, context);
    setErrors(clientErrors);
    if (Object.keys(clientErrors).length > 0) {
      toggleNotification({ type: 'warning', message: t('form.invalid', 'Some fields need your attention.') });
      return;
    }
    try {
      const saved = await save.mutateAsync(toPayload(values));
      toggleNotification({
        type: 'success',
        message: isEdit
          ? t('notification.updated', 'Saved {name}', { name: saved.name })
          : t('notification.created', 'Created {name}', { name: saved.name }),
      });
      navigate(isEdit ? '..' : `../${saved.documentId}`, { relative: 'path' });
    } catch (error) {
      setServerErrors(errorsFromResponse(error));
      failed(error);
    }
  };

  return { server, original: context.original, values, set, shown, field, readable, mustReenter, dirty, submit, saving: save.isLoading };
};

export type ServerFormState = ReturnType<typeof useServerForm>;
