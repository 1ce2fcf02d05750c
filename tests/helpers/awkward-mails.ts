/** Mails as they arrive in real mailboxes, not as a spec would like them. */
const CRLF = '\r\n';
const lines = (...parts: string[]) => parts.join(CRLF);

export interface AwkwardMail {
  name: string;
  raw: string | Buffer;
  /** The stored subject starts with this; null for the one without a Message-ID check. */
  expectSubject: string;
  check?: (row: any) => void;
}

export const awkwardMails = (): AwkwardMail[] => {
  const big = Buffer.alloc(20 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, `$&${CRLF}`);
  return [
    {
      name: 'multipart/mixed with text, html and an attachment',
      expectSubject: 'Mixed',
      raw: lines(
        'From: a@customer.example', 'To: agent@example.com', 'Subject: Mixed', 'Message-ID: <mixed@customer.example>',
        'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"', '',
        '--b1', 'Content-Type: multipart/alternative; boundary="b2"', '',
        '--b2', 'Content-Type: text/plain; charset=utf-8', '', 'plain part', '',
        '--b2', 'Content-Type: text/html; charset=utf-8', '', '<p>html part</p>', '',
        '--b2--', '',
        '--b1', 'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Disposition: attachment; filename="invoice.pdf"',
        'Content-Transfer-Encoding: base64', '', Buffer.from('%PDF-1.4 fake').toString('base64'), '',
        '--b1--', ''
      ),
      check: (row) => {
        expect(row.text.trim()).toBe('plain part');
        expect(row.html).toContain('<p>html part</p>');
        expect(row.attachments).toEqual([expect.objectContaining({ filename: 'invoice.pdf', contentType: 'application/pdf', index: 0 })]);
      },
    },
    {
      name: 'a forwarded mail as nested message/rfc822',
      expectSubject: 'Fwd: original',
      raw: lines(
        'From: a@customer.example', 'To: agent@example.com', 'Subject: Fwd: original', 'Message-ID: <fwd@customer.example>',
        'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="f1"', '',
        '--f1', 'Content-Type: text/plain', '', 'see below', '',
        '--f1', 'Content-Type: message/rfc822', '',
        'From: b@elsewhere.example', 'Subject: original', 'Message-ID: <inner@elsewhere.example>', '', 'inner body', '',
        '--f1--', ''
      ),
      check: (row) => expect(row.text).toContain('see below'),
    },
    {
      name: 'an ISO-8859-1 body with a Q-encoded subject',
      expectSubject: 'café',
      raw: Buffer.concat([
        Buffer.from(lines('From: a@customer.example', 'To: agent@example.com', 'Subject: =?ISO-8859-1?Q?caf=E9?=', 'Message-ID: <latin1@customer.example>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: 8bit', '', '')),
        Buffer.from('Voil\xe0 un caf\xe9\r\n', 'latin1'),
      ]),
      check: (row) => expect(row.text).toContain('Voilà un café'),
    },
    {
      name: 'a windows-1252 body and a B-encoded UTF-8 subject',
      expectSubject: 'Ünïcödé ✓',
      raw: Buffer.concat([
        Buffer.from(lines('From: a@customer.example', 'To: agent@example.com', `Subject: =?UTF-8?B?${Buffer.from('Ünïcödé ✓').toString('base64')}?=`, 'Message-ID: <cp1252@customer.example>', 'Content-Type: text/plain; charset=windows-1252', '', '')),
        Buffer.from([0x93, 0x71, 0x75, 0x6f, 0x74, 0x65, 0x64, 0x94, 0x20, 0x80, 0x0d, 0x0a]),
      ]),
      check: (row) => expect(row.text).toContain('“quoted” €'),
    },
    {
      name: 'no Message-ID at all',
      expectSubject: 'No id here',
      raw: lines('From: a@customer.example', 'To: agent@example.com', 'Subject: No id here', '', 'body', ''),
      check: (row) => expect(row.messageId).toBeNull(),
    },
    {
      name: 'raw 8-bit UTF-8 in the headers',
      expectSubject: 'Grüße aus Köln',
      raw: Buffer.from(lines('From: Jürgen <j@customer.example>', 'To: agent@example.com', 'Subject: Grüße aus Köln', 'Message-ID: <8bit@customer.example>', '', 'Hallo', ''), 'utf8'),
      check: (row) => expect(row.from).toEqual({ address: 'j@customer.example', name: 'Jürgen' }),
    },
    {
      name: 'a 20 MB attachment',
      expectSubject: 'Big file',
      raw: lines(
        'From: a@customer.example', 'To: agent@example.com', 'Subject: Big file', 'Message-ID: <big@customer.example>',
        'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="g1"', '',
        '--g1', 'Content-Type: text/plain', '', 'attached', '',
        '--g1', 'Content-Type: application/octet-stream; name="big.bin"', 'Content-Disposition: attachment; filename="big.bin"',
        'Content-Transfer-Encoding: base64', '', big, '--g1--', ''
      ),
      check: (row) => expect(row.attachments[0]).toMatchObject({ filename: 'big.bin', size: 20 * 1024 * 1024 }),
    },
    {
      name: 'truncated MIME: the closing boundary never comes and base64 stops midway',
      expectSubject: 'Cut off',
      raw: lines(
        'From: a@customer.example', 'To: agent@example.com', 'Subject: Cut off', 'Message-ID: <cut@customer.example>',
        'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="c1"', '',
        '--c1', 'Content-Type: text/plain', '', 'before the cut', '',
        '--c1', 'Content-Type: image/png; name="x.png"', 'Content-Transfer-Encoding: base64', '', 'iVBORw0KGgoAAAANSUhEUgAA', ''
      ),
      check: (row) => expect(row.text).toContain('before the cut'),
    },
    {
      name: 'a header with a broken encoded word and no body',
      expectSubject: 'Broken =?utf-8?B?',
      raw: lines('From: a@customer.example', 'To: agent@example.com', 'Subject: Broken =?utf-8?B?not-base64', 'Message-ID: <broken@customer.example>', '', ''),
    },
  ];
};
