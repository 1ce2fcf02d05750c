import conversation from './conversation';
import emailServer from './email-server';
import inboundMessage from './inbound-message';
import mailboxState from './mailbox-state';
import messageAttachment from './message-attachment';
import outboundMessage from './outbound-message';

export default {
  'email-server': emailServer,
  'inbound-message': inboundMessage,
  'outbound-message': outboundMessage,
  conversation,
  'mailbox-state': mailboxState,
  'message-attachment': messageAttachment,
};
