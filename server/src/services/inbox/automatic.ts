/**
 * Mail no person wrote: auto-replies and other auto-submitted mail (RFC 3834), bulk and list mail
 * (`Precedence`), bounces from MAILER-DAEMON or postmaster, and delivery or read reports
 * (`multipart/report`, RFC 6522). Agents should not have to answer it, so it never reopens a
 * conversation nor marks one unread.
 */
const QUIET_PRECEDENCE = ['bulk', 'junk', 'list', 'auto_reply'];
const DAEMONS = ['mailer-daemon', 'postmaster'];

/** A header as mailparser gives it: a string, or `{ value, params }` for structured ones. */
const headerValue = (value: unknown) =>
  String((value && typeof value === 'object' && 'value' in value ? (value as { value: unknown }).value : value) ?? '')
    .trim()
    .toLowerCase();

export const isAutomatic = (headers: { get(name: string): unknown }, fromAddress: string | undefined): boolean => {
  const autoSubmitted = headerValue(headers.get('auto-submitted'));
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (QUIET_PRECEDENCE.includes(headerValue(headers.get('precedence')))) return true;
  // Older auto-responders (vacation programs, some hosted mail) say so only in these.
  if (headerValue(headers.get('x-autoreply')) || headerValue(headers.get('x-autorespond'))) return true;
  if (DAEMONS.includes((fromAddress ?? '').split('@')[0].toLowerCase())) return true;
  return headerValue(headers.get('content-type')) === 'multipart/report';
};
