import type { MailAddress } from '../../../../shared/contracts/common';

/**
 * How inbound mail finds its conversation, apart from the database: the ids a mail names as its
 * parents, the subject a conversation is shown with, and who takes part.
 */

/** Strips "Re:", "Fwd:" and the like so replies share their conversation's subject. */
export const baseSubject = (subject: string) =>
  oneLine(subject).replace(/^(\s*(re|fwd?|aw|wg|sv|tr)(\[\d+\])?\s*:\s*)+/i, '').trim();

/** Encoded words can decode to line breaks; a subject stays on one line (and stays answerable). */
export const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ');

/** The ids a mail answers, nearest first: In-Reply-To, then References. */
export const parentIds = (mail: { inReplyTo: string | null; references: string[] }) =>
  [mail.inReplyTo, ...mail.references].filter(Boolean) as string[];

/** The conversation of the first parent stored earlier in the same batch. */
export const threadInBatch = (parents: string[], inBatch: Map<string, string>) => {
  for (const ref of parents) if (inBatch.has(ref)) return inBatch.get(ref)!;
  return null;
};

/** A new conversation is named by its first mail's subject without "Re:"/"Fwd:". */
export const conversationSubject = (subject: string) => baseSubject(subject) || '(no subject)';

/** Adds the people not yet among the participants (by address), in order; returns the list. */
export const addPeople = (participants: MailAddress[], people: MailAddress[]) => {
  for (const p of people) if (!participants.some((x) => x.address === p.address)) participants.push(p);
  return participants;
};

/** What the inbox's search matches: subject and participants, lower-cased, bounded. */
export const searchText = (subject: string, people: MailAddress[]) =>
  [subject, ...people.flatMap((p) => [p.address, p.name ?? ''])].join(' ').toLowerCase().slice(0, 4000);
