import { Flex, ProgressBar, Typography } from '@strapi/design-system';
import { styled } from 'styled-components';
import { percentDone, type CampaignCounts } from '../../hooks/useCampaigns';
import { useT } from '../../hooks/useT';

/**
 * The design system's bar is drawn for dark overlays (white fill on grey); on a page it needs the
 * page's colours, and on the detail page the full width.
 */
export const Bar = styled(ProgressBar)<{ $wide?: boolean }>`
  && {
    background-color: ${({ theme }: { theme: any }) => theme.colors.neutral150};
    ${({ $wide }) => ($wide ? 'width: 100%;' : '')}
  }
  && > div {
    background-color: ${({ theme }: { theme: any }) => theme.colors.primary600};
  }
`;

const ALWAYS = ['queued', 'sending', 'sent', 'failed', 'bounced', 'unsubscribed', 'suppressed'] as const;
// Shown only once non-zero: delivered comes only from SendGrid's events, cancelled only after a cancel.
const WHEN_KNOWN = ['delivered', 'cancelled'] as const;
// What recipients did with the mail, on a line of its own: answers, out-of-office mails, and
// (with tracking on) opens and clicks.
const RESPONSES = ['replied', 'autoReplied', 'opened', 'clicked'] as const;

const COUNT_LABELS: Record<(typeof ALWAYS)[number] | (typeof WHEN_KNOWN)[number] | (typeof RESPONSES)[number] | 'total', string> = {
  total: 'Total {count}',
  queued: 'Queued {count}',
  sending: 'Sending {count}',
  sent: 'Sent {count}',
  failed: 'Failed {count}',
  bounced: 'Bounced {count}',
  unsubscribed: 'Unsubscribed {count}',
  suppressed: 'Suppressed {count}',
  cancelled: 'Cancelled {count}',
  delivered: 'Delivered {count}',
  opened: 'Opened {count}',
  clicked: 'Clicked {count}',
  replied: 'Replied {count}',
  autoReplied: 'Auto-replied {count}',
};

/** The bar, the percentage and one "Label N" text per count, each readable on its own. */
export const CampaignProgress = ({ counts }: { counts: CampaignCounts }) => {
  const t = useT();
  const percent = percentDone(counts);
  const shown = ['total' as const, ...ALWAYS, ...WHEN_KNOWN.filter((key) => counts[key] > 0)];
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex gap={4} alignItems="center">
        <Bar
          $wide
          value={percent}
          // The design system keeps the value to draw the bar and leaves the bar "indeterminate"
          // to assistive technology; say the value ourselves.
          aria-valuenow={percent}
          aria-valuetext={`${percent}%`}
          aria-label={t('campaign.progress', 'Campaign progress')}
        />
        <Typography fontWeight="bold" data-testid="campaign-percent">
          {`${percent}%`}
        </Typography>
      </Flex>
      <Flex gap={4} wrap="wrap">
        {shown.map((key) => (
          <Typography key={key} data-testid={`count-${key}`}>
            {t(`campaign.count.${key}`, COUNT_LABELS[key], { count: counts[key] })}
          </Typography>
        ))}
      </Flex>
      <Flex gap={4} wrap="wrap" data-testid="campaign-responses">
        {RESPONSES.map((key) => (
          <Typography key={key} textColor="neutral700" data-testid={`count-${key}`}>
            {t(`campaign.count.${key}`, COUNT_LABELS[key], { count: counts[key] ?? 0 })}
          </Typography>
        ))}
      </Flex>
    </Flex>
  );
};
