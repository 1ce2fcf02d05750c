import { Box, Button, Flex, Loader, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { ACTIVITY_EVENTS, type ActivityEntry, type ActivityEvent } from '../../../../shared/contracts/activity';
import { Panel } from '../../components/Layout';
import { useActivity } from '../../hooks/useActivity';
import { useT } from '../../hooks/useT';

type T = ReturnType<typeof useT>;

const LABELS: Record<ActivityEvent, [string, string]> = {
  [ACTIVITY_EVENTS.serverCreate]: ['activity.serverCreate', 'Created the server'],
  [ACTIVITY_EVENTS.serverUpdate]: ['activity.serverUpdate', 'Edited the server'],
  [ACTIVITY_EVENTS.serverDelete]: ['activity.serverDelete', 'Deleted the server'],
  [ACTIVITY_EVENTS.serverTest]: ['activity.serverTest', 'Tested the server'],
  [ACTIVITY_EVENTS.serverSetDefault]: ['activity.serverSetDefault', 'Made it the default server'],
  [ACTIVITY_EVENTS.serverConnect]: ['activity.serverConnect', 'Connected an account'],
  [ACTIVITY_EVENTS.serverDisconnect]: ['activity.serverDisconnect', 'Disconnected the account'],
  [ACTIVITY_EVENTS.campaignSend]: ['activity.campaignSend', 'Sent the campaign {name}'],
  [ACTIVITY_EVENTS.campaignSchedule]: ['activity.campaignSchedule', 'Scheduled the campaign {name}'],
  [ACTIVITY_EVENTS.campaignPause]: ['activity.campaignPause', 'Paused the campaign {name}'],
  [ACTIVITY_EVENTS.campaignResume]: ['activity.campaignResume', 'Resumed the campaign {name}'],
  [ACTIVITY_EVENTS.campaignCancel]: ['activity.campaignCancel', 'Cancelled the campaign {name}'],
  [ACTIVITY_EVENTS.suppressionCreate]: ['activity.suppressionCreate', 'Suppressed {name}'],
  [ACTIVITY_EVENTS.suppressionDelete]: ['activity.suppressionDelete', 'Removed {name} from the suppression list'],
};

const what = (t: T, entry: ActivityEntry) => {
  const [id, fallback] = LABELS[entry.event] ?? ['activity.other', entry.event];
  return t(id, fallback, { name: entry.subject.name ?? '' });
};

/** The line under an entry: the changed field names (never values), a test's outcome, the account. */
const detailOf = (t: T, entry: ActivityEntry): string | null => {
  const d = entry.details as Record<string, any>;
  if (Array.isArray(d.changed)) {
    return d.changed.length ? t('activity.changed', 'Changed: {fields}', { fields: d.changed.join(', ') }) : t('activity.unchanged', 'Saved without changes');
  }
  if (d.kind === 'email') {
    return d.ok
      ? t('activity.testEmailSent', 'Test email to {to} sent', { to: d.to })
      : t('activity.testEmailFailed', 'Test email to {to} failed: {message}', { to: d.to, message: d.message ?? '' });
  }
  if (d.kind === 'verify') {
    const failedCheck = [d.outgoing, d.incoming].find((c) => c && !c.ok);
    return failedCheck ? t('activity.verifyFailed', 'Connection check failed: {message}', { message: failedCheck.message }) : t('activity.verifyOk', 'Connection check passed');
  }
  if (d.previous?.name) return t('activity.previousDefault', 'Instead of {name}', { name: d.previous.name });
  if (typeof d.account === 'string') return d.account;
  return null;
};

/** Who did what to this server and its campaigns, and when: the newest first. */
export const ActivityPanel = ({ documentId }: { documentId: string }) => {
  const t = useT();
  const { formatDate } = useIntl();
  const activity = useActivity(documentId);
  const entries = activity.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <Panel title={t('activity.title', 'Recent activity')}>
      {activity.isLoading ? <Loader small /> : null}
      {!activity.isLoading && entries.length === 0 ? <Typography textColor="neutral600">{t('activity.none', 'Nothing recorded yet.')}</Typography> : null}
      <Flex direction="column" alignItems="stretch" gap={3} data-testid="server-activity">
        {entries.map((entry) => {
          const detail = detailOf(t, entry);
          return (
            <Box key={entry.id} data-testid="activity-entry">
              <Typography fontWeight="bold">{what(t, entry)}</Typography>
              <Typography textColor="neutral600">
                {' · '}
                {entry.user ? (entry.user.name ?? entry.user.email ?? `#${entry.user.id}`) : t('activity.system', 'Strapi (scheduled)')}
                {' · '}
                {formatDate(entry.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
              </Typography>
              {detail ? (
                <Typography tag="p" variant="pi" textColor="neutral700">
                  {detail}
                </Typography>
              ) : null}
            </Box>
          );
        })}
      </Flex>
      {activity.hasNextPage ? (
        <Box>
          <Button variant="tertiary" loading={activity.isFetchingNextPage} onClick={() => activity.fetchNextPage()}>
            {t('activity.more', 'Show older')}
          </Button>
        </Box>
      ) : null}
    </Panel>
  );
};
