import agents from './agents';
import changes from './changes';
import customer from './customer';
import inbox from './inbox';
import ingest from './ingest';
import notes from './notes';
import ownership from './ownership';
import poller from './poller';
import readState from './read-state';
import reply from './reply';
import savedReplies from './saved-replies';
import search from './search';

/** Inbound mail: polling, storing and threading, and the conversations built from it. */
export default {
  inbox,
  ingest,
  poller,
  reply,
  agents,
  'read-state': readState,
  notes,
  ownership,
  changes,
  'saved-replies': savedReplies,
  'inbox-search': search,
  'inbox-customer': customer,
};
