/**
 * CSV as RFC 4180 describes it: comma-separated, CRLF line ends, a field
 * quoted when it holds a comma, quote or line break, quotes doubled. Text
 * that a spreadsheet would read as a formula (= + - @, or a tab or carriage
 * return before one) is prefixed with ' so opening the file runs nothing.
 * Numbers are written as they are: a negative number is data, not a formula.
 */
export type CsvValue = string | number | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: CsvValue[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
