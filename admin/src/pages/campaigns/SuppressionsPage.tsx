import * as React from 'react';
import {
  BackButton,
  Layouts,
  Page,
  SearchInput,
  useRBAC,
} from '@strapi/strapi/admin';
import {
  Badge,
  Box,
  Button,
  EmptyStateLayout,
  Flex,
  IconButton,
  Table,
  Tbody,
  Td,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { suppressionSchema } from '../../../../shared/validation/campaigns';
import { SelectField, TextField } from '../../components/FormFields';
import {
  SUPPRESSION_REASONS,
  useSuppressionActions,
  useSuppressions,
  type Suppression,
  type SuppressionReason,
} from '../../hooks/useCampaigns';
import { ConfirmActionDialog } from '../../components/ConfirmActionDialog';
import { ListPager, useListQuery, useStayOnAPage } from '../../components/ListControls';
import { TableHeader } from '../../components/TableHeader';
import { useNotify } from '../../hooks/useNotify';
import { useT } from '../../hooks/useT';
import { CAMPAIGN_PERMISSIONS } from '../../permissions';
import { errorsFromResponse, type FieldErrors } from '../../utils/formErrors';

// A person adding an address by hand usually means "manual": offer it first.
const REASON_ORDER = ['manual', ...SUPPRESSION_REASONS.filter((r) => r !== 'manual')] as SuppressionReason[];

const REASON_LABELS: Record<SuppressionReason, string> = {
  manual: 'Manual',
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
  complained: 'Complained',
};

export const SuppressionsPage = () => {
  const { formatDate } = useIntl();
  const { toggleNotification, failed, attempt } = useNotify();
  const { allowedActions } = useRBAC({ update: CAMPAIGN_PERMISSIONS.suppressions });
  const { q, page, pageSize } = useListQuery();
  const list = useSuppressions({ q, page, pageSize });
  useStayOnAPage(list.data?.meta.pagination);
  const { add, remove } = useSuppressionActions();
  const [email, setEmail] = React.useState('');
  const [reason, setReason] = React.useState<SuppressionReason>('manual');
  const [errors, setErrors] = React.useState<FieldErrors>({});
  const [toRemove, setToRemove] = React.useState<Suppression | null>(null);
  const t = useT();
  const reasonLabel = (value: SuppressionReason) =>
    t(`suppressions.reason.${value}`, REASON_LABELS[value] ?? value);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const body = { email: email.trim(), reason };
    try {
      await suppressionSchema.validate(body);
    } catch (error: any) {
      setErrors({ [error.path ?? 'email']: error.message });
      return;
    }
    try {
      const added = await add.mutateAsync(body);
      toggleNotification({ type: 'success', message: t('suppressions.added', 'Added {email}', { email: added.email }) });
      setEmail('');
      setErrors({});
    } catch (error) {
      setErrors(errorsFromResponse(error));
      failed(error);
    }
  };

  const confirmRemove = async () => {
    if (!toRemove) return;
    const removed = t('suppressions.removed', 'Removed {email}', { email: toRemove.email });
    if (await attempt(() => remove.mutateAsync(toRemove.documentId), removed)) setToRemove(null);
  };

  const title = t('suppressions.title', 'Suppression list');

  return (
    <Page.Main>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header
        navigationAction={<BackButton fallback=".." disabled={false} />}
        title={title}
        subtitle={t('suppressions.subtitle', 'No campaign sends to these addresses')}
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          {allowedActions.canUpdate ? (
            <Box background="neutral0" hasRadius shadow="filterShadow" padding={6}>
              <form noValidate onSubmit={submit}>
                <Flex gap={4} alignItems="flex-start" wrap="wrap">
                  <Box style={{ flex: 2, minWidth: 260 }}>
                    <TextField
                      name="email"
                      label={t('suppressions.email', 'Email')}
                      type="email"
                      required
                      value={email}
                      onChange={(value) => {
                        setEmail(value);
                        setErrors({});
                      }}
                      error={errors.email}
                    />
                  </Box>
                  <Box style={{ flex: 1, minWidth: 200 }}>
                    <SelectField
                      name="reason"
                      label={t('suppressions.reason', 'Reason')}
                      value={reason}
                      onChange={(value) => setReason(value as SuppressionReason)}
                      options={REASON_ORDER.map((value) => ({ value, label: reasonLabel(value) }))}
                      error={errors.reason}
                    />
                  </Box>
                  {/* Lines the button up with the inputs, under their labels. */}
                  <Box paddingTop={6}>
                    <Button type="submit" startIcon={<Plus />} loading={add.isLoading} disabled={!email.trim()}>
                      {t('suppressions.add', 'Add address')}
                    </Button>
                  </Box>
                </Flex>
              </form>
            </Box>
          ) : null}

          <Box>
            <SearchInput label={t('suppressions.search', 'Search addresses')} placeholder={t('suppressions.search', 'Search addresses')} />
          </Box>

          {!list.data ? (
            list.isLoading ? <Page.Loading /> : <Page.Error />
          ) : list.data.data.length === 0 ? (
            <EmptyStateLayout
              content={q ? t('suppressions.noMatch', 'No address matches') : t('suppressions.empty', 'The suppression list is empty')}
            />
          ) : (
            <>
              <Table colCount={5} rowCount={list.data.data.length + 1}>
                <TableHeader
                  columns={[
                    t('suppressions.col.email', 'Email'),
                    t('suppressions.col.reason', 'Reason'),
                    t('suppressions.col.source', 'Source'),
                    t('suppressions.col.added', 'Added'),
                    { hidden: t('list.actions', 'Actions') },
                  ]}
                />
                <Tbody>
                  {list.data.data.map((s) => (
                    <Tr key={s.documentId} data-testid={`suppression-row-${s.email}`}>
                      <Td><Typography fontWeight="bold">{s.email}</Typography></Td>
                      <Td><Badge>{reasonLabel(s.reason)}</Badge></Td>
                      <Td><Typography textColor={s.source ? undefined : 'neutral500'}>{s.source ?? '–'}</Typography></Td>
                      <Td>
                        <Typography>{formatDate(s.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}</Typography>
                      </Td>
                      <Td>
                        {allowedActions.canUpdate ? (
                          <Flex justifyContent="flex-end">
                            <IconButton
                              label={t('suppressions.remove', 'Remove {email}', { email: s.email })}
                              variant="ghost"
                              onClick={() => setToRemove(s)}
                            >
                              <Trash />
                            </IconButton>
                          </Flex>
                        ) : null}
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              <ListPager pagination={list.data.meta.pagination} />
            </>
          )}
        </Flex>
      </Layouts.Content>
      <ConfirmActionDialog
        open={Boolean(toRemove)}
        onOpenChange={(open) => !open && setToRemove(null)}
        title={t('suppressions.removeTitle', 'Remove from the suppression list')}
        question={t('suppressions.removeQuestion', 'Are you sure you want to remove this address from the suppression list?')}
        subject={toRemove?.email ?? ''}
        consequences={[t('suppressions.removeConsequence', 'Campaigns will send to it again.')]}
        confirmLabel={t('suppressions.removeConfirm', 'Remove')}
        loading={remove.isLoading}
        onConfirm={confirmRemove}
      />
    </Page.Main>
  );
};
