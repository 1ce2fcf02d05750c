import { describeError } from './describe-error';
import { imapClient, type IncomingConfig } from './incoming';

export interface AppendResult {
  /** The folder the message went to, or was meant for. */
  folder: string;
  /** Why it is not there; null when it is. */
  error: string | null;
}

/**
 * Appends a sent message, marked \Seen, to the mailbox's Sent folder: `folder` when given, else
 * the one with the \Sent special-use flag, else one named "Sent" (created when missing). Never throws: a failure is
 * answered as a sentence (without secrets) for the caller to note.
 */
export const appendToSent = async (config: IncomingConfig, raw: Buffer, date: Date, folder: string | null, timeoutMs: number): Promise<AppendResult> => {
  const client = imapClient(config, timeoutMs);
  let target = folder ?? 'Sent';
  try {
    await client.connect();
    if (folder === null) {
      const folders = await client.list();
      // The server's own flag first: imapflow also guesses \Sent from localized folder names.
      const special = folders.find((f) => f.specialUse === '\\Sent' && (f as { specialUseSource?: string }).specialUseSource === 'extension');
      const named = folders.find((f) => f.path.toLowerCase() === 'sent') ?? folders.find((f) => f.specialUse === '\\Sent');
      target = special?.path ?? named?.path ?? 'Sent';
      // As Thunderbird and Outlook do on a mailbox without one.
      if (!special && !named) await client.mailboxCreate(target);
    }
    const appended = await client.append(target, raw, ['\\Seen'], date);
    if (!appended) return { folder: target, error: 'the IMAP server refused the message.' };
    await client.logout();
    return { folder: target, error: null };
  } catch (error: any) {
    // imapflow puts the server's own words (e.g. "NO [TRYCREATE] Mailbox doesn't exist") in responseText.
    const said = typeof error?.responseText === 'string' && error.responseText ? error.responseText : null;
    return { folder: target, error: said ?? describeError(error, config) };
  } finally {
    client.close();
  }
};
