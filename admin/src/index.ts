import type { StrapiApp } from '@strapi/strapi/admin';
import { PaperPlane } from '@strapi/icons';
import { InboxMenuIcon } from './pages/inbox/InboxMenuIcon';
import { CAMPAIGN_PERMISSIONS, INBOX_PERMISSIONS, PERMISSIONS } from './permissions';
import { PLUGIN_ID } from './pluginId';
import { getTranslation } from './utils/getTranslation';

const plugin: StrapiApp['appPlugins'][string] = {
  register(app) {
    app.addSettingsLink('global', {
      id: PLUGIN_ID,
      to: PLUGIN_ID,
      intlLabel: { id: getTranslation('settings.link'), defaultMessage: 'Email servers' },
      Component: () => import('./pages/servers/ServerRoutes'),
      permissions: PERMISSIONS.read,
    });
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      // Shows my unread count (the menu has no live badge of its own).
      icon: InboxMenuIcon,
      intlLabel: { id: getTranslation('inbox.title'), defaultMessage: 'Inbox' },
      Component: () => import('./pages/inbox/InboxRoutes'),
      permissions: INBOX_PERMISSIONS.read,
    });
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}-campaigns`,
      icon: PaperPlane,
      intlLabel: { id: getTranslation('campaigns.title'), defaultMessage: 'Campaigns' },
      Component: () => import('./pages/campaigns/CampaignRoutes'),
      permissions: CAMPAIGN_PERMISSIONS.read,
    });
    app.registerPlugin({ id: PLUGIN_ID, name: PLUGIN_ID });
  },

  async registerTrads({ locales }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = (await import(`./translations/${locale}.json`)) as {
            default: Record<string, string>;
          };
          const prefixed = Object.fromEntries(
            Object.entries(data).map(([key, value]) => [getTranslation(key), value])
          );
          return { data: prefixed, locale };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};

export default plugin;
