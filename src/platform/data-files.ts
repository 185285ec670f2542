import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shipped data (the generator's lists, indicator definitions, code lists, charts) lives in the repository's data/ folder. */
export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data');

function readLines(file: string): string[] {
  return fs
    .readFileSync(path.join(DATA_DIR, file), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** A shipped JSON file, parsed (its shape is for the reader to check). */
export function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(DATA_DIR, file), 'utf8'));
}

/** A file of `[group]` headers each followed by whitespace-separated names. */
export function readGroupedNames(file: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of readLines(file)) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = [];
      groups.set(header[1], current);
    } else if (current) {
      current.push(...line.split(/\s+/));
    } else {
      throw new Error(`${file}: names before the first [group] header`);
    }
  }
  return groups;
}

export function readList(file: string): string[] {
  return readLines(file);
}

/** A tab-separated file whose first non-comment line is the header. */
export function readTsv(file: string): Record<string, string>[] {
  const [header, ...body] = readLines(file).map((l) => l.split('\t'));
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}
