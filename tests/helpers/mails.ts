/** Raw RFC 5322 mails for the receiving tests. */
let counter = 0;

export const mail = (o: {
  from?: string;
  to?: string;
  subject?: string;
  body?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  date?: Date;
  extraHeaders?: string;
}) => {
  counter += 1;
  const messageId = o.messageId === undefined ? `<m${counter}.${process.pid}.${Date.now()}@customer.example>` : o.messageId;
  return [
    `From: ${o.from ?? 'Customer <customer@customer.example>'}`,
    `To: ${o.to ?? 'agent@example.com'}`,
    `Subject: ${o.subject ?? `Question ${counter}`}`,
    `Date: ${(o.date ?? new Date()).toUTCString()}`,
    ...(messageId ? [`Message-ID: ${messageId}`] : []),
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    ...(o.references ? [`References: ${o.references}`] : []),
    ...(o.extraHeaders ? [o.extraHeaders] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? `Hello, this is message ${counter}.`,
    '',
  ].join('\r\n');
};

export const messageIdOf = (raw: string) => /^Message-ID: (.+)$/im.exec(raw)?.[1]?.trim() ?? null;
