import { cut, cutOrNull, fit, VARCHAR, withoutNul } from '../fit';

describe('cut', () => {
  it('leaves a value that fits alone and cuts a longer one to the limit', () => {
    expect(cut('abc', 3)).toBe('abc');
    expect(cut('x'.repeat(300), VARCHAR)).toHaveLength(255);
  });

  it('never ends on half of a surrogate pair', () => {
    const emoji = '\u{1F600}'; // two UTF-16 code units
    expect(cut(`ab${emoji}`, 3)).toBe('ab');
    expect(cut(`ab${emoji}c`, 4)).toBe(`ab${emoji}`);
  });
});

describe('cutOrNull', () => {
  it('keeps a missing value missing', () => {
    expect(cutOrNull(null, 5)).toBeNull();
    expect(cutOrNull(undefined, 5)).toBeNull();
    expect(cutOrNull('abcdef', 5)).toBe('abcde');
  });
});

describe('withoutNul', () => {
  it('removes NUL from strings in arrays and plain objects, and keeps dates and buffers as they are', () => {
    const date = new Date('2026-01-01T00:00:00Z');
    const buffer = Buffer.from('a\u0000b');
    const out = withoutNul({ a: 'x\u0000y', list: ['\u0000z', 1, null], nested: { b: 'q\u0000' }, date, buffer });
    expect(out).toEqual({ a: 'xy', list: ['z', 1, null], nested: { b: 'q' }, date, buffer });
    expect(out.date).toBe(date);
    expect(out.buffer).toBe(buffer);
  });
});

describe('fit', () => {
  it('removes NUL before cutting, so the limit counts only what is stored', () => {
    expect(fit('\u0000\u0000abcdef', 4)).toBe('abcd');
  });
});
