import agents from './agents';
import changes from './changes';
import inbox from './inbox';
import ingest from './ingest';
import notes from './notes';
import ownership from './ownership';
import poller from './poller';
import readState from './read-state';
import savedReplies from './saved-replies';

/** Inbound mail: polling, storing and threading, and the conversations built from it. */
export default { inbox, ingest, poller, agents, 'read-state': readState, notes, ownership, changes, 'saved-replies': savedReplies };
