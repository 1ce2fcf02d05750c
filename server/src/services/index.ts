import audit from './audit';
import campaigns from './campaigns';
import inbox from './inbox';
import sending from './sending';
import servers from './servers';

/** One folder per concern; the keys stay flat, so `getService(strapi, 'campaign-queue')` reaches them. */
export default { ...servers, ...sending, ...inbox, ...campaigns, ...audit };
