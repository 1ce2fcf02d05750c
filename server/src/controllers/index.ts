import campaigns from './campaigns';
import inbox from './inbox';
import publicRoutes from './public';
import servers from './servers';
import suppressions from './suppressions';

export default {
  campaigns,
  inbox,
  public: publicRoutes,
  servers,
  suppressions,
};
