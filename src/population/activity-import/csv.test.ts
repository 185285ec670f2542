import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CsvFileError, csvQuote, readCsv, type CsvRecord } from './csv.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'joinery-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
async function read(content: string | Buffer, chunkBytes?: number): Promise<CsvRecord[]> {
  const file = path.join(dir, `f${files++}.csv`);
  fs.writeFileSync(file, content);
  const out: CsvRecord[] = [];
  for await (const { records } of readCsv(file, chunkBytes)) out.push(...records);
  return out;
}

describe('the streaming CSV reader', () => {
  it('reads RFC 4180: quotes, commas and line breaks in fields, CRLF or LF, a byte order mark, blank lines skipped', async () => {
    const text = '\uFEFFa,b,c\r\n1,"two, ""2""",3\r\n\r\n"multi\r\nline\nfield",x,\n,,\n"last",no,newline';
    for (const chunk of [1, 2, 3, 7, 64 * 1024]) {
      expect(await read(text, chunk), `chunks of ${chunk}`).toEqual([
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', 'two, "2"', '3'] },
        { line: 4, fields: ['multi\r\nline\nfield', 'x', ''] },
        { line: 7, fields: ['', '', ''] },
        { line: 8, fields: ['last', 'no', 'newline'] },
      ]);
    }
  });

  it('keeps multi-byte characters split across chunks', async () => {
    expect(await read(Buffer.from('name\nZoë Ødegård 😀\n', 'utf8'), 1)).toEqual([{ line: 1, fields: ['name'] }, { line: 2, fields: ['Zoë Ødegård 😀'] }]);
  });

  it('flags records that break the quoting rules, and goes on from the next line', async () => {
    expect(await read('a,b\n"x"y,1\nab"c,2\nok,3\n"open,4\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['xy', '1'], error: 'a quoted field must end at a comma or the end of the line' },
      { line: 3, fields: ['ab"c', '2'], error: 'a field with a quote in it must be in double quotes (with the quote doubled)' },
      { line: 4, fields: ['ok', '3'] },
      { line: 5, fields: ['open,4\n'], error: 'a quoted field is not closed before the end of the file' },
    ]);
  });

  it('stops at a quote left open for more than a MiB rather than reading the file into one field', async () => {
    const file = path.join(dir, 'open.csv');
    fs.writeFileSync(file, `a\n"${'x,\n'.repeat(400_000)}`);
    await expect((async () => {
      for await (const _ of readCsv(file)) { /* read on */ }
    })()).rejects.toThrow(CsvFileError);
  });

  it('reads back whatever is written with RFC 4180 quoting, however the file is split', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', '\r\n', ' ', '1') , maxLength: 8 });
    await fc.assert(fc.asyncProperty(
      fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 40 }), fc.boolean(),
      async (records, chunk, crlf) => {
        const nl = crlf ? '\r\n' : '\n';
        const text = records.map((r) => r.map((f) => (f === '' ? '""' : csvQuote(f))).join(',')).join(nl) + nl;
        const got = await read(text, chunk);
        expect(got.map((r) => r.fields)).toEqual(records);
        // Each record starts one line after the last one's line breaks.
        let line = 1;
        got.forEach((r, i) => {
          expect(r.line).toBe(line);
          line += 1 + records[i].join(',').split('\n').length - 1;
        });
      },
    ), { numRuns: 150 });
  });
});
