import { isAutomatic } from '../automatic';

const headers = (entries: Record<string, unknown>) => new Map(Object.entries(entries));

describe('isAutomatic', () => {
  it('takes every Auto-Submitted value but "no" (RFC 3834)', () => {
    for (const value of ['auto-replied', 'auto-generated', 'Auto-Notified; owner-email="x@example.com"']) {
      expect(isAutomatic(headers({ 'auto-submitted': value }), 'ann@example.com')).toBe(true);
    }
    expect(isAutomatic(headers({ 'auto-submitted': 'No' }), 'ann@example.com')).toBe(false);
  });

  it('takes bulk, junk and list mail, not other precedences', () => {
    for (const value of ['bulk', 'junk', 'List']) expect(isAutomatic(headers({ precedence: value }), 'ann@example.com')).toBe(true);
    expect(isAutomatic(headers({ precedence: 'first-class' }), 'ann@example.com')).toBe(false);
  });

  it('takes the older auto-responder headers: X-Autoreply, X-Autorespond, Precedence: auto_reply', () => {
    expect(isAutomatic(headers({ 'x-autoreply': 'yes' }), 'ann@example.com')).toBe(true);
    expect(isAutomatic(headers({ 'x-autorespond': 'Vacation' }), 'ann@example.com')).toBe(true);
    expect(isAutomatic(headers({ precedence: 'auto_reply' }), 'ann@example.com')).toBe(true);
  });

  it('takes mail from MAILER-DAEMON or postmaster, in any case', () => {
    expect(isAutomatic(headers({}), 'MAILER-DAEMON@relay.example')).toBe(true);
    expect(isAutomatic(headers({}), 'postmaster@relay.example')).toBe(true);
    expect(isAutomatic(headers({}), 'postmasters@relay.example')).toBe(false);
  });

  it('takes a report (mailparser gives Content-Type as { value, params })', () => {
    expect(isAutomatic(headers({ 'content-type': { value: 'multipart/report', params: { 'report-type': 'delivery-status' } } }), 'a@relay.example')).toBe(true);
    expect(isAutomatic(headers({ 'content-type': { value: 'multipart/mixed', params: {} } }), 'ann@example.com')).toBe(false);
  });

  it('leaves a plain mail from a person alone', () => {
    expect(isAutomatic(headers({ subject: 'Out of office' }), undefined)).toBe(false);
  });
});
