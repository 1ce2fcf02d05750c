import { ACTIONS, type Action } from '../../shared/permissions';

/** The shape `Page.Protect` and `useRBAC` take. */
const action = (id: Action) => [{ action: id, subject: null }];

export const PERMISSIONS = {
  read: action(ACTIONS.serversRead),
  create: action(ACTIONS.serversCreate),
  update: action(ACTIONS.serversUpdate),
  delete: action(ACTIONS.serversDelete),
  test: action(ACTIONS.serversTest),
  setDefault: action(ACTIONS.serversSetDefault),
};

export const INBOX_PERMISSIONS = {
  read: action(ACTIONS.inboxRead),
  reply: action(ACTIONS.inboxReply),
  assign: action(ACTIONS.inboxAssign),
  manage: action(ACTIONS.inboxManage),
};

export const CAMPAIGN_PERMISSIONS = {
  read: action(ACTIONS.campaignsRead),
  create: action(ACTIONS.campaignsCreate),
  send: action(ACTIONS.campaignsSend),
  suppressions: action(ACTIONS.suppressionsUpdate),
  templatesRead: action(ACTIONS.templatesRead),
  templatesUpdate: action(ACTIONS.templatesUpdate),
};
