import campaign from './campaign';
import campaignBounce from './campaign-bounce';
import campaignRecipient from './campaign-recipient';
import conversation from './conversation';
import conversationRead from './conversation-read';
import emailServer from './email-server';
import inboundMessage from './inbound-message';
import mailboxState from './mailbox-state';
import messageAttachment from './message-attachment';
import note from './note';
import oauthState from './oauth-state';
import outboundMessage from './outbound-message';
import savedReply from './saved-reply';
import sendThrottle from './send-throttle';
import suppression from './suppression';
import template from './template';
import webhookEvent from './webhook-event';

export default {
  'email-server': emailServer,
  'inbound-message': inboundMessage,
  'outbound-message': outboundMessage,
  conversation,
  'mailbox-state': mailboxState,
  'message-attachment': messageAttachment,
  campaign,
  'campaign-recipient': campaignRecipient,
  suppression,
  'webhook-event': webhookEvent,
  'send-throttle': sendThrottle,
  'conversation-read': conversationRead,
  note,
  'saved-reply': savedReply,
  template,
  'campaign-bounce': campaignBounce,
  'oauth-state': oauthState,
};
