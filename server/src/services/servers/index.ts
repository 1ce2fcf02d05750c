import checks from './checks';
import detect from './detect';
import oauth from './oauth';
import secrets from './secrets';
import servers from './servers';
import transports from './transports';

/** Server management: stored servers, their secrets, connection checks, cached transports and "Detect settings". */
export default { checks, detect, oauth, secrets, servers, transports };
