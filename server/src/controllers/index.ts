import campaigns from './campaigns';
import customer from './customer';
import inbox from './inbox';
import oauth from './oauth';
import publicRoutes from './public';
import savedReplies from './saved-replies';
import servers from './servers';
import suppressions from './suppressions';
import templates from './templates';

export default {
  campaigns,
  customer,
  inbox,
  oauth,
  public: publicRoutes,
  'saved-replies': savedReplies,
  servers,
  suppressions,
  templates,
};
