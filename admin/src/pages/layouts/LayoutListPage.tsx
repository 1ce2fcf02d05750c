import * as React from 'react';
import { BackButton, Layouts, Page, useRBAC } from '@strapi/strapi/admin';
import { Box, Button, EmptyStateLayout, Flex, IconButton, Table, Tbody, Td, Tr, Typography } from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import { TableHeader } from '../../components/TableHeader';
import { useTemplates, type Template } from '../../hooks/useTemplates';
import { useT } from '../../hooks/useT';
import { CAMPAIGN_PERMISSIONS } from '../../permissions';
import { DeleteLayoutDialog } from './DeleteLayoutDialog';

export const LayoutListPage = () => {
  const { formatDate } = useIntl();
  const navigate = useNavigate();
  const { data: layouts, isLoading } = useTemplates();
  const { allowedActions } = useRBAC({ update: CAMPAIGN_PERMISSIONS.templatesUpdate });
  const [toDelete, setToDelete] = React.useState<Template | null>(null);
  const t = useT();

  const title = t('layouts.title', 'Layouts');
  if (!layouts) return isLoading ? <Page.Loading /> : <Page.Error />;

  const createButton = allowedActions.canUpdate ? (
    <Button startIcon={<Plus />} onClick={() => navigate('create')}>
      {t('layouts.create', 'Create layout')}
    </Button>
  ) : undefined;

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        navigationAction={<BackButton fallback=".." disabled={false} />}
        title={title}
        subtitle={t('layouts.subtitle', 'The HTML around a campaign: its body goes where a layout has {content}', { content: '{{ content }}' })}
        primaryAction={createButton}
      />
      <Layouts.Content>
        {layouts.length === 0 ? (
          <EmptyStateLayout content={t('layouts.empty', 'No layout yet')} action={createButton} />
        ) : (
          <Table colCount={3} rowCount={layouts.length + 1}>
            <TableHeader columns={[t('layouts.col.name', 'Name'), t('layouts.col.updated', 'Last changed'), { hidden: t('list.actions', 'Actions') }]} />
            <Tbody>
              {layouts.map((layout) => (
                <Tr
                  key={layout.documentId}
                  onClick={() => navigate(layout.documentId)}
                  style={{ cursor: 'pointer' }}
                  data-testid={`layout-row-${layout.name}`}
                >
                  <Td><Typography fontWeight="bold">{layout.name}</Typography></Td>
                  <Td><Typography>{formatDate(layout.updatedAt, { dateStyle: 'medium', timeStyle: 'short' })}</Typography></Td>
                  <Td>
                    <Flex justifyContent="flex-end" gap={1} onClick={(e: React.MouseEvent) => e.stopPropagation()}>
                      <IconButton label={t('layouts.edit', 'Edit {name}', { name: layout.name })} variant="ghost" onClick={() => navigate(layout.documentId)}>
                        <Pencil />
                      </IconButton>
                      {allowedActions.canUpdate ? (
                        <IconButton label={t('layouts.delete', 'Delete {name}', { name: layout.name })} variant="ghost" onClick={() => setToDelete(layout)}>
                          <Trash />
                        </IconButton>
                      ) : null}
                    </Flex>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
        <Box paddingTop={4} />
      </Layouts.Content>
      <DeleteLayoutDialog layout={toDelete} onOpenChange={(open) => !open && setToDelete(null)} />
    </Page.Main>
  );
};
