import * as React from 'react';
import { BackButton, Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { Button, Flex } from '@strapi/design-system';
import { Check, Trash } from '@strapi/icons';
import { useNavigate } from 'react-router-dom';
import type { PublicServer } from '../../../../shared/contracts/servers';
import { Panel } from '../../components/Layout';
import { useT } from '../../hooks/useT';
import { PERMISSIONS } from '../../permissions';
import { ConnectionTools } from './ConnectionTools';
import { ActivityPanel } from './ActivityPanel';
import { DeleteServerDialog } from './DeleteServerDialog';
import { useConfirmDisableDefault } from './DisableDefaultDialog';
import { DkimSection } from './sections/DkimSection';
import { GeneralSection } from './sections/GeneralSection';
import { IncomingSection } from './sections/IncomingSection';
import { LimitsSection } from './sections/LimitsSection';
import { OAuthSection } from './sections/OAuthSection';
import { OutgoingSection } from './sections/OutgoingSection';
import { SendgridSection } from './sections/SendgridSection';
import { usesOAuthApp } from './serverValues';
import { useServerForm } from './useServerForm';

/** Create and edit: only the sections of the chosen server type are shown and sent. */
export const ServerForm = ({ server }: { server?: PublicServer }) => {
  const t = useT();
  const navigate = useNavigate();
  const form = useServerForm(server);
  const disableDefault = useConfirmDisableDefault(server, form);
  const { allowedActions } = useRBAC({
    update: PERMISSIONS.update,
    delete: PERMISSIONS.delete,
    test: PERMISSIONS.test,
    setDefault: PERMISSIONS.setDefault,
  });
  const [deleteOpen, setDeleteOpen] = React.useState(false);
  const title = server ? server.name : t('form.createTitle', 'Create new server');
  const canSave = server ? allowedActions.canUpdate : true;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <form noValidate onSubmit={disableDefault.onSubmit}>
        <Layouts.Header
          navigationAction={<BackButton fallback=".." disabled={false} />}
          title={title}
          subtitle={t('form.subtitle', 'Only the fields of the chosen server type are used.')}
          primaryAction={
            <Flex gap={2}>
              {server && allowedActions.canDelete ? (
                <Button type="button" variant="danger-light" startIcon={<Trash />} onClick={() => setDeleteOpen(true)}>
                  {t('form.delete', 'Delete')}
                </Button>
              ) : null}
              {canSave ? (
                <Button type="submit" startIcon={<Check />} loading={form.saving}>
                  {server ? t('form.done', 'Done') : t('form.create', 'Create')}
                </Button>
              ) : null}
            </Flex>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <GeneralSection form={form} canSetDefault={allowedActions.canSetDefault} />
            {form.values.type === 'sendgrid' ? (
              <SendgridSection form={form} />
            ) : (
              <>
                <OutgoingSection form={form} />
                <DkimSection form={form} />
                <IncomingSection form={form} />
                {usesOAuthApp(form.values) ? <OAuthSection form={form} canConnect={canSave} /> : null}
              </>
            )}
            <LimitsSection form={form} documentId={server?.documentId} />
            {server && allowedActions.canTest ? (
              <Panel title={t('section.connection', 'Connection')}>
                <ConnectionTools documentId={server.documentId} />
              </Panel>
            ) : null}
            {server ? <ActivityPanel documentId={server.documentId} /> : null}
          </Flex>
        </Layouts.Content>
      </form>
      {server ? (
        <DeleteServerDialog
          server={server}
          open={deleteOpen}
          onOpenChange={setDeleteOpen}
          onDeleted={() => navigate('..', { relative: 'path' })}
        />
      ) : null}
      {disableDefault.dialog}
    </Page.Main>
  );
};
