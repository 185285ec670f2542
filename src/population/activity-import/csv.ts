import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * A streaming RFC 4180 reader: commas, fields in double quotes holding
 * commas, quotes ("" for one) and line breaks, CRLF or LF line ends, an
 * optional UTF-8 byte order mark. It never holds more than a chunk and one
 * record, so a 1 GB file reads in constant memory.
 */

export type CsvRecord = {
  /** The physical line the record starts on (1 is the header), counting line breaks inside quoted fields. */
  line: number;
  fields: string[];
  /** Set when the record breaks the quoting rules; its fields are the best reading of it. */
  error?: string;
};

/** A file that cannot be read as CSV at all (as opposed to one bad row). */
export class CsvFileError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

/** A record longer than this is a quote left open, not data: stop rather than read the rest of the file into it. */
const MAX_RECORD = 1 << 20;
const QUOTE = 34;
const COMMA = 44;
const LF = 10;

type Parsed = { fields: string[]; next: number; lines: number; error?: string };

const newlines = (s: string, from: number, to: number) => {
  let n = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

/**
 * One record from `start`, or null when the text ends before the record does
 * and more may come (`eof` false). `lines` counts the line breaks consumed,
 * the one ending the record included.
 */
function parseRecord(s: string, start: number, eof: boolean): Parsed | null {
  const n = s.length;
  const fields: string[] = [];
  let lines = 0;
  let error: string | undefined;
  let i = start;
  for (;;) {
    let value: string;
    if (i < n && s.charCodeAt(i) === QUOTE) {
      value = '';
      let j = i + 1;
      for (;;) {
        const q = s.indexOf('"', j);
        if (q === -1) {
          if (!eof) return null;
          fields.push(value + s.slice(j));
          return { fields, next: n, lines: lines + newlines(s, j, n), error: 'a quoted field is not closed before the end of the file' };
        }
        if (q + 1 >= n && !eof) return null; // "" split across chunks, or the closing quote: cannot tell yet
        value += s.slice(j, q);
        lines += newlines(s, j, q);
        if (s.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // After the closing quote only a comma or a line end may follow; keep anything else, but say so.
      let k = i;
      while (k < n && s.charCodeAt(k) !== COMMA && s.charCodeAt(k) !== LF) k++;
      if (k >= n && !eof) return null;
      let tail = s.slice(i, k);
      if (tail.endsWith('\r')) tail = tail.slice(0, -1);
      if (tail) {
        value += tail;
        error ??= 'a quoted field must end at a comma or the end of the line';
      }
      i = k;
    } else {
      let j = i;
      while (j < n) {
        const c = s.charCodeAt(j);
        if (c === COMMA || c === LF) break;
        j++;
      }
      if (j >= n && !eof) return null;
      value = s.slice(i, j);
      if (value.endsWith('\r')) value = value.slice(0, -1);
      if (!error && value.includes('"')) error = 'a field with a quote in it must be in double quotes (with the quote doubled)';
      i = j;
    }
    fields.push(value);
    if (i >= n) return { fields, next: n, lines, error };
    if (s.charCodeAt(i) === COMMA) {
      i++;
      continue;
    }
    return { fields, next: i + 1, lines: lines + 1, error }; // LF
  }
}

/** A blank line: one empty field. Skipped, as spreadsheets leave them at the end. */
const isBlank = (fields: string[]) => fields.length === 1 && fields[0] === '';

/**
 * The file's records, a chunk's worth at a time, each with the bytes read so
 * far (for a progress bar). Blank lines are skipped.
 */
export async function* readCsv(file: string, chunkBytes = 256 * 1024): AsyncGenerator<{ records: CsvRecord[]; bytesRead: number }> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  let pos = 0;
  let line = 1;
  let bytesRead = 0;
  let first = true;
  const take = (eof: boolean): CsvRecord[] => {
    const out: CsvRecord[] = [];
    while (pos < text.length) {
      const r = parseRecord(text, pos, eof);
      if (!r) break;
      if (!isBlank(r.fields) || r.error) out.push(r.error ? { line, fields: r.fields, error: r.error } : { line, fields: r.fields });
      line += r.lines;
      pos = r.next;
    }
    if (text.length - pos > MAX_RECORD) {
      throw new CsvFileError(`Line ${line}: a record longer than ${MAX_RECORD / 1024 / 1024} MiB; is a quote left open?`, line);
    }
    return out;
  };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: chunkBytes })) {
    bytesRead += (chunk as Buffer).length;
    let more = decoder.write(chunk as Buffer);
    if (first && more) { // the first text decoded, which a tiny chunk may leave empty
      if (more.charCodeAt(0) === 0xfeff) more = more.slice(1);
      first = false;
    }
    text = text.slice(pos) + more;
    pos = 0;
    yield { records: take(false), bytesRead };
  }
  text = text.slice(pos) + decoder.end();
  pos = 0;
  yield { records: take(true), bytesRead };
}

/** A field as RFC 4180 writes it: quoted when it holds a comma, quote or line break. */
export const csvQuote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
