import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from './csv.js';

describe('CSV (RFC 4180, formulas disarmed)', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
  });

  it('prefixes text a spreadsheet would run as a formula, but not negative numbers', () => {
    for (const text of ['=SUM(A1)', '+1', '-1+2', '@cmd', '\tx', '\r=1']) expect(csvField(text).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvField(-3)).toBe('-3');
  });

  it('writes a header row and CRLF line ends', () => {
    expect(toCsv(['Month', 'Referrals'], [['Jan 2026', 3], ['Feb 2026', null]])).toBe('Month,Referrals\r\nJan 2026,3\r\nFeb 2026,\r\n');
  });
});
