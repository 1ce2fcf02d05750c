import { Badge } from '@strapi/design-system';
import { Link } from 'react-router-dom';
import { PLUGIN_ID } from '../../pluginId';
import { useT } from '../../hooks/useT';
import type { Conversation } from '../../../../shared/contracts/inbox';

/** "Reply to campaign <name>", linking to the campaign: the conversation began as an answer to one of its mails. */
export const CampaignReplyBadge = ({ campaign }: { campaign: Conversation['campaign'] }) => {
  const t = useT();
  if (!campaign) return null;
  return (
    // In a list row that opens the conversation on click: the link opens the campaign instead.
    <Link to={`/plugins/${PLUGIN_ID}-campaigns/${campaign.documentId}`} onClick={(e) => e.stopPropagation()} data-testid="campaign-reply">
      <Badge>{t('inbox.campaignReply', 'Reply to campaign {name}', { name: campaign.name })}</Badge>
    </Link>
  );
};
