import campaigns from './campaigns';
import customer from './customer';
import inbox from './inbox';
import publicRoutes from './public';
import servers from './servers';
import suppressions from './suppressions';

export default {
  campaigns,
  customer,
  inbox,
  public: publicRoutes,
  servers,
  suppressions,
};
