import type { MailAddress } from '../../../../shared/contracts/common';
import { VARCHAR } from '../../utils/fit';

type OwnAddresses = { senderEmail?: string | null; replyTo?: string | null };

const ownOf = (servers: OwnAddresses[]) =>
  new Set(servers.flatMap((s) => [s.senderEmail, s.replyTo]).filter(Boolean).map((a) => String(a).toLowerCase()));

/**
 * The customer of a conversation: the first person who wrote, unless it is one of our own
 * servers (a copy of our own mail). Lower-cased, as the "known customer" filter compares it.
 */
export const customerAddress = (from: MailAddress | null | undefined, servers: OwnAddresses[]): string | null => {
  const address = from?.address?.toLowerCase();
  if (!address || address.length > VARCHAR || ownOf(servers).has(address)) return null;
  return address;
};

/** The addresses of a conversation that are not ours, in the order they joined it. */
export const customerAddresses = (participants: MailAddress[] | null | undefined, servers: OwnAddresses[]) => {
  const own = ownOf(servers);
  return [...new Set((participants ?? []).map((p) => p?.address?.toLowerCase()).filter((a): a is string => Boolean(a) && !own.has(a!)))];
};
