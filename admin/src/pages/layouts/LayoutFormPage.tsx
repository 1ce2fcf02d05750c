import * as React from 'react';
import { BackButton, Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { Check, Trash } from '@strapi/icons';
import { useNavigate, useParams } from 'react-router-dom';
import { templateSchema } from '../../../../shared/validation/campaigns';
import { TextareaField, TextField } from '../../components/FormFields';
import { HtmlEditor } from '../../components/HtmlEditor';
import { Cell } from '../../components/Layout';
import { useNotify } from '../../hooks/useNotify';
import { useTemplate, useTemplateActions, type Template, type TemplateInput } from '../../hooks/useTemplates';
import { useT } from '../../hooks/useT';
import { CAMPAIGN_PERMISSIONS } from '../../permissions';
import { errorsFromResponse, errorsFromSchema, type FieldErrors } from '../../utils/formErrors';
import { DeleteLayoutDialog } from './DeleteLayoutDialog';

interface LayoutValues {
  name: string;
  html: string;
  text: string;
}

const valuesFrom = (layout?: Template): LayoutValues => ({ name: layout?.name ?? '', html: layout?.html ?? '', text: layout?.text ?? '' });
const toPayload = (values: LayoutValues): TemplateInput => ({
  name: values.name,
  html: values.html,
  text: values.text.trim() ? values.text : null,
});

const STARTER = `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f7">
  <tr>
    <td align="center" style="padding:24px">
      <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="background:#ffffff;font-family:Arial,sans-serif">
        <tr><td style="padding:24px">{{ content }}</td></tr>
        <tr><td style="padding:16px 24px;color:#666;font-size:12px"><a href="{{ unsubscribeUrl }}">Unsubscribe</a></td></tr>
      </table>
    </td>
  </tr>
</table>`;

const LayoutForm = ({ layout, canUpdate }: { layout?: Template; canUpdate: boolean }) => {
  const navigate = useNavigate();
  const t = useT();
  const { toggleNotification, failed } = useNotify();
  const { create, update } = useTemplateActions();
  const [values, setValues] = React.useState<LayoutValues>(() => (layout ? valuesFrom(layout) : { ...valuesFrom(), html: STARTER }));
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [deleting, setDeleting] = React.useState<Template | null>(null);
  const field = (key: keyof LayoutValues) => ({
    name: key,
    value: values[key],
    error: errors[key],
    onChange: (value: string) => {
      setValues((v) => ({ ...v, [key]: value }));
      setErrors((e) => ({ ...e, [key]: undefined }));
    },
  });
  const dirty = JSON.stringify(values) !== JSON.stringify(valuesFrom(layout));

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const payload = toPayload(values);
    const found = await errorsFromSchema(templateSchema, payload);
    setErrors(found);
    if (Object.keys(found).length) {
      toggleNotification({ type: 'warning', message: t('form.invalid', 'Some fields need your attention.') });
      return;
    }
    try {
      if (layout) {
        const saved = await update.mutateAsync({ documentId: layout.documentId, ...payload });
        setValues(valuesFrom(saved));
        toggleNotification({ type: 'success', message: t('notification.updated', 'Saved {name}', { name: saved.name }) });
      } else {
        const saved = await create.mutateAsync(payload);
        toggleNotification({ type: 'success', message: t('notification.created', 'Created {name}', { name: saved.name }) });
        navigate(`../${saved.documentId}`, { relative: 'path' });
      }
    } catch (error) {
      setErrors(errorsFromResponse(error));
      failed(error);
    }
  };

  const title = layout ? layout.name : t('layouts.createTitle', 'Create layout');
  const actions = canUpdate ? (
    <Flex gap={2}>
      {layout ? (
        <Button variant="danger-light" startIcon={<Trash />} onClick={() => setDeleting(layout)}>
          {t('form.delete', 'Delete')}
        </Button>
      ) : null}
      <Button type="submit" startIcon={<Check />} disabled={Boolean(layout) && !dirty} loading={create.isLoading || update.isLoading}>
        {layout ? t('layouts.save', 'Save layout') : t('form.create', 'Create')}
      </Button>
    </Flex>
  ) : undefined;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <form noValidate onSubmit={submit}>
        <Layouts.Header
          navigationAction={<BackButton fallback={layout ? '..' : '..'} disabled={false} />}
          title={title}
          subtitle={t('layouts.formSubtitle', 'Write {content} where the campaign’s body goes; Liquid placeholders work here too', {
            content: '{{ content }}',
          })}
          primaryAction={actions}
        />
        <Layouts.Content>
          <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
            {canUpdate ? (
              <Grid.Root gap={4}>
                <Cell>
                  <TextField {...field('name')} label={t('layouts.name', 'Name')} required />
                </Cell>
                <Cell size={12}>
                  <HtmlEditor {...field('html')} label={t('layouts.html', 'Layout HTML')} required defaultMode="source" />
                </Cell>
                <Cell size={12}>
                  <TextareaField
                    {...field('text')}
                    label={t('layouts.text', 'Layout text')}
                    hint={t('layouts.hint.text', 'Optional: around the text part; must contain {content} too', { content: '{{ content }}' })}
                  />
                </Cell>
              </Grid.Root>
            ) : (
              <Flex direction="column" alignItems="stretch" gap={2}>
                <Typography variant="pi" textColor="neutral600">
                  {t('layouts.readOnly', 'You may read layouts but not change them.')}
                </Typography>
                <Box tag="pre" style={{ whiteSpace: 'pre-wrap' }} data-testid="layout-html">
                  {layout?.html}
                </Box>
              </Flex>
            )}
          </Box>
        </Layouts.Content>
      </form>
      <DeleteLayoutDialog
        layout={deleting}
        onOpenChange={(open) => !open && setDeleting(null)}
        onDeleted={() => navigate('..', { relative: 'path' })}
      />
    </Page.Main>
  );
};

export const LayoutCreatePage = () => {
  const { allowedActions, isLoading } = useRBAC({ update: CAMPAIGN_PERMISSIONS.templatesUpdate });
  if (isLoading) return <Page.Loading />;
  if (!allowedActions.canUpdate) return <Page.NoPermissions />;
  return <LayoutForm canUpdate />;
};

export const LayoutEditPage = () => {
  const { documentId } = useParams<{ documentId: string }>();
  const { allowedActions, isLoading: rbacLoading } = useRBAC({ update: CAMPAIGN_PERMISSIONS.templatesUpdate });
  const { data: layout, isLoading } = useTemplate(documentId);
  if (rbacLoading || (isLoading && !layout)) return <Page.Loading />;
  if (!layout) return <Page.Error />;
  return <LayoutForm key={layout.documentId} layout={layout} canUpdate={allowedActions.canUpdate} />;
};
