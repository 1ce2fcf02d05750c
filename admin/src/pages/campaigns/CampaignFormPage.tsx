import * as React from 'react';
import {
  BackButton,
  Layouts,
  Page,
  useRBAC,
} from '@strapi/strapi/admin';
import { Box, Button } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { useNavigate } from 'react-router-dom';
import { useCreateCampaign } from '../../hooks/useCampaigns';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { CAMPAIGN_PERMISSIONS } from '../../permissions';
import { CampaignFields, toCampaignPayload, useCampaignForm } from './CampaignFields';

const CreateCampaignForm = () => {
  const navigate = useNavigate();
  const { toggleNotification, failed } = useNotify();
  const create = useCreateCampaign();
  const form = useCampaignForm();
  const t = useT();

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!(await form.check())) {
      toggleNotification({ type: 'warning', message: t('form.invalid', 'Some fields need your attention.') });
      return;
    }
    try {
      const { data } = await create.mutateAsync(toCampaignPayload(form.values));
      toggleNotification({ type: 'success', message: t('notification.created', 'Created {name}', { name: data.name }) });
      navigate(`../${data.documentId}`, { relative: 'path' });
    } catch (error) {
      form.fail(error);
      failed(error);
    }
  };

  const title = t('campaignForm.createTitle', 'Create campaign');
  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <form noValidate onSubmit={submit}>
        <Layouts.Header
          navigationAction={<BackButton fallback=".." disabled={false} />}
          title={title}
          subtitle={t('campaignForm.subtitle', 'Recipients are added on the next page, from a CSV file.')}
          primaryAction={
            <Button type="submit" startIcon={<Check />} loading={create.isLoading}>
              {t('form.create', 'Create')}
            </Button>
          }
        />
        <Layouts.Content>
          <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
            <CampaignFields form={form} />
          </Box>
        </Layouts.Content>
      </form>
    </Page.Main>
  );
};

export const CampaignFormPage = () => {
  const { allowedActions, isLoading } = useRBAC({ create: CAMPAIGN_PERMISSIONS.create });
  if (isLoading) return <Page.Loading />;
  if (!allowedActions.canCreate) return <Page.NoPermissions />;
  return <CreateCampaignForm />;
};
