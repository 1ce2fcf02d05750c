import { parseCsvRecipients } from '../csv';

/** The message and field a person sees for a refused file. */
const refusal = (text: string) => {
  try {
    parseCsvRecipients(text);
  } catch (error: any) {
    return { message: error.message, name: error.name, field: error.details?.errors?.[0]?.path };
  }
  throw new Error('the file was accepted');
};

describe('parseCsvRecipients', () => {
  it('takes the email column in any case and every other column as a variable', () => {
    expect(parseCsvRecipients('Name,EMAIL,plan\nAda,ada@example.com,pro\nBob,bob@example.com,free\n')).toEqual({
      rows: [
        { row: 2, recipient: { email: 'ada@example.com', data: { Name: 'Ada', plan: 'pro' } } },
        { row: 3, recipient: { email: 'bob@example.com', data: { Name: 'Bob', plan: 'free' } } },
      ],
      rejected: [],
    });
  });

  it('reads quoted commas and line breaks, a byte order mark, CRLF and trims values', () => {
    const { rows } = parseCsvRecipients('\uFEFFemail,note\r\n" ada@example.com ","one, two\r\nthree"\r\nbob@example.com,plain\r\n');
    expect(rows.map((r) => r.recipient)).toEqual([
      { email: 'ada@example.com', data: { note: 'one, two\r\nthree' } },
      { email: 'bob@example.com', data: { note: 'plain' } },
    ]);
  });

  it('finds the separator spreadsheets export: semicolon or tab', () => {
    expect(parseCsvRecipients('email;city\nada@example.com;Paris, France\n').rows[0].recipient).toEqual({
      email: 'ada@example.com',
      data: { city: 'Paris, France' },
    });
    expect(parseCsvRecipients('email\tcity\nada@example.com\tLyon\n').rows[0].recipient.data).toEqual({ city: 'Lyon' });
  });

  it('numbers rows by their line in the file, blank lines included', () => {
    for (const eol of ['\n', '\r\n']) {
      const { rows } = parseCsvRecipients(['email', '', 'ada@example.com', '', '', 'bob@example.com', ''].join(eol));
      expect(rows.map((r) => [r.row, r.recipient.email])).toEqual([
        [3, 'ada@example.com'],
        [6, 'bob@example.com'],
      ]);
    }
  });

  it('counts a quoted cell with line breaks as one row, as a spreadsheet shows it', () => {
    for (const eol of ['\n', '\r\n']) {
      const { rows } = parseCsvRecipients(['email,note', `ada@example.com,"two${eol}lines"`, '', 'bob@example.com,one', ''].join(eol));
      expect(rows.map((r) => [r.row, r.recipient.email])).toEqual([
        [2, 'ada@example.com'],
        [4, 'bob@example.com'],
      ]);
    }
  });

  it('rejects a row with more values than the header, with its line and reason', () => {
    const result = parseCsvRecipients('email,name\nada@example.com,Ada,extra\nbob@example.com\n');
    expect(result.rejected).toEqual([{ row: 2, email: 'ada@example.com', reason: 'more columns than the header (3 for 2)' }]);
    // A short row is fine: the missing variables are empty.
    expect(result.rows).toEqual([{ row: 3, recipient: { email: 'bob@example.com', data: { name: '' } } }]);
  });

  it('leaves checking the address to the caller: a bad one is still a row', () => {
    expect(parseCsvRecipients('email\nnot-an-address\n').rows[0].recipient.email).toBe('not-an-address');
  });

  it('refuses a file without an email column or without rows, on the file field', () => {
    expect(refusal('name,city\nAda,Paris\n')).toEqual({
      name: 'ValidationError',
      message: 'The CSV file needs a header row with an "email" column.',
      field: ['file'],
    });
    expect(refusal('\n\n')).toEqual({
      name: 'ValidationError',
      message: 'The CSV file is empty: it needs a header row with an "email" column.',
      field: ['file'],
    });
  });

  it('says why a malformed file could not be read', () => {
    const { message, field } = refusal('email,name\n"ada@example.com,Ada\n');
    expect(message).toMatch(/^The CSV file could not be read: .*quote/i);
    expect(field).toEqual(['file']);
  });
});
