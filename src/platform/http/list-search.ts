import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { fieldErrors, optionalText } from './validate.js';
import type { FieldErrors } from './errors.js';

/**
 * The search box and page number of a long list, from its GET form's query
 * string: a GET form works without JavaScript, and a searched page can be
 * bookmarked and paged. Every list reads them the same way, so every list
 * refuses the same bad input with the same words.
 */

export const LIST_SEARCH_MAX = 100;

export type ListQuery = {
  /** What was typed, trimmed and cut to a length the page can show back. */
  typed: string;
  /** The words to search for, when valid and not empty. */
  words?: string;
  page: number;
  fields: FieldErrors;
};

const first = (v: unknown) => [v].flat()[0];

const schema = z.object({ q: optionalText('your search', { max: LIST_SEARCH_MAX }) });

export function readListQuery(query: unknown): ListQuery {
  const raw = (query ?? {}) as Record<string, unknown>;
  const q = first(raw.q);
  const pageText = first(raw.page);
  const page = typeof pageText === 'string' && /^\d{1,6}$/.test(pageText) ? Math.max(Number(pageText), 1) : 1;
  const typed = typeof q === 'string' ? q.trim().slice(0, LIST_SEARCH_MAX + 20) : '';
  const parsed = schema.safeParse({ q: typeof q === 'string' ? q : undefined });
  if (!parsed.success) return { typed, page, fields: fieldErrors(parsed.error) };
  return { typed, words: parsed.data.q, page, fields: {} };
}

/** Escapes LIKE's wildcards, so what was typed is matched as written. */
export const likeContaining = (words: string) => `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A list's search in SQL: every word typed must be found in one of `texts`
 * (anywhere, LIKE's wildcards typed literally) or by `also` (a child's name
 * or NHS number, say). An NHS number typed with spaces is one word. Values
 * travel as parameters only.
 */
export function eachWordMatches(words: string, texts: SQL[], also?: (word: string) => SQL): SQL {
  const terms = /^[\d\s-]+$/.test(words) ? [words.replace(/[\s-]/g, '')] : words.toLowerCase().split(/\s+/).filter(Boolean);
  const each = terms.map((w) => {
    const like = likeContaining(w);
    return sql`(${sql.join([...texts.map((t) => sql`${t} ILIKE ${like}`), ...(also ? [also(w)] : [])], sql` OR `)})`;
  });
  return each.length ? sql`(${sql.join(each, sql` AND `)})` : sql`true`;
}
