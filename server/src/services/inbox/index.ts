import inbox from './inbox';
import ingest from './ingest';
import poller from './poller';
import reply from './reply';

/** Inbound mail: polling, storing and threading, and the conversations built from it. */
export default { inbox, ingest, poller, reply };
