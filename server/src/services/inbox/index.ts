import customer from './customer';
import inbox from './inbox';
import ingest from './ingest';
import poller from './poller';
import search from './search';

/** Inbound mail: polling, storing and threading, and the conversations built from it. */
export default { inbox, ingest, poller, 'inbox-search': search, 'inbox-customer': customer };
