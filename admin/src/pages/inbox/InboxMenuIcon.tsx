import { Mail } from '@strapi/icons';
import { useInboxChanges } from '../../hooks/useAgents';

/**
 * The main menu's Inbox icon with my unread count. Strapi 5 menu links take a fixed
 * `notificationsCount` when registered and never update it, so the icon component (rendered
 * inside the admin, with its fetch client) polls and draws the count itself.
 */
export const InboxMenuIcon = (props: Record<string, unknown>) => {
  const changes = useInboxChanges();
  const unread = changes.data?.unread ?? 0;
  return (
    <span style={{ position: 'relative', display: 'inline-flex' }}>
      <Mail {...props} />
      {unread > 0 ? (
        <span
          data-testid="inbox-unread-count"
          aria-label={`${unread} unread`}
          style={{
            position: 'absolute',
            top: -6,
            right: -10,
            minWidth: 16,
            height: 16,
            padding: '0 4px',
            borderRadius: 8,
            background: '#4945ff',
            color: '#fff',
            fontSize: 10,
            lineHeight: '16px',
            textAlign: 'center',
            fontWeight: 600,
          }}
        >
          {unread > 99 ? '99+' : unread}
        </span>
      ) : null}
    </span>
  );
};
