import { addPeople, baseSubject, conversationSubject, oneLine, parentIds, searchText, threadInBatch } from '../threading';

describe('baseSubject: replies share their conversation\'s subject', () => {
  it.each([
    ['Re: Invoice 42', 'Invoice 42'],
    ['RE: re:Fwd: Invoice 42', 'Invoice 42'],
    ['Fw: AW: WG: SV: TR: Invoice 42', 'Invoice 42'],
    ['Re[2]: Invoice 42', 'Invoice 42'],
    ['  re :  Invoice 42  ', 'Invoice 42'],
    ['Re:\r\n Invoice\t42', 'Invoice 42'],
  ])('%j → %j', (subject, base) => {
    expect(baseSubject(subject)).toBe(base);
  });

  it('keeps a prefix that is only part of a word, and one that is not at the start', () => {
    expect(baseSubject('Report: Q3')).toBe('Report: Q3');
    expect(baseSubject('Invoice 42 (Re: yours)')).toBe('Invoice 42 (Re: yours)');
  });

  it('names a conversation "(no subject)" when nothing is left', () => {
    expect(conversationSubject('Re: ')).toBe('(no subject)');
    expect(conversationSubject('')).toBe('(no subject)');
    expect(conversationSubject('Re: Hello')).toBe('Hello');
  });

  it('puts a subject on one line', () => {
    expect(oneLine('a\r\nb\tc\nd')).toBe('a b c d');
  });
});

describe('parentIds and threadInBatch: a reply finds its parent', () => {
  it('lists In-Reply-To first, then References, without empty ones', () => {
    expect(parentIds({ inReplyTo: '<c@x>', references: ['<a@x>', '<b@x>'] })).toEqual(['<c@x>', '<a@x>', '<b@x>']);
    expect(parentIds({ inReplyTo: null, references: [] })).toEqual([]);
  });

  it('takes the conversation of the first parent stored earlier in the batch', () => {
    const inBatch = new Map([
      ['<a@x>', 'conversation-a'],
      ['<c@x>', 'conversation-c'],
    ]);
    expect(threadInBatch(['<c@x>', '<a@x>'], inBatch)).toBe('conversation-c');
    expect(threadInBatch(['<z@x>', '<a@x>'], inBatch)).toBe('conversation-a');
    expect(threadInBatch(['<z@x>'], inBatch)).toBeNull();
  });
});

describe('participants and search text', () => {
  it('adds each address once, in order of appearance', () => {
    const participants = [{ address: 'ann@example.test', name: 'Ann' }];
    const out = addPeople(participants, [{ address: 'bob@example.test' }, { address: 'ann@example.test', name: 'Other' }]);
    expect(out).toBe(participants);
    expect(out).toEqual([{ address: 'ann@example.test', name: 'Ann' }, { address: 'bob@example.test' }]);
  });

  it('matches subject, addresses and names in lower case, bounded to 4000 characters', () => {
    expect(searchText('Invoice', [{ address: 'ann@example.test', name: 'Ann Lee' }])).toBe('invoice ann@example.test ann lee');
    expect(searchText('x'.repeat(5000), [])).toHaveLength(4000);
  });
});
