import checks from './checks';
import oauth from './oauth';
import secrets from './secrets';
import servers from './servers';
import transports from './transports';

/** Server management: stored servers, their secrets, connection checks and cached transports. */
export default { checks, oauth, secrets, servers, transports };
