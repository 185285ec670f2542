/**
 * How hard a page is to read: the Flesch–Kincaid grade level
 * (0.39 × words per sentence + 11.8 × syllables per word − 15.59), given to
 * editors as a UK reading age (US grade + 5), the measure NHS content
 * guidance sets targets in. Syllables are counted the usual way for these
 * formulas: groups of vowels, less a silent final e.
 */

export type Readability = { words: number; sentences: number; syllables: number; grade: number; readingEase: number; readingAge: number };

export function syllablesIn(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (!w) return 0;
  if (w.length <= 3) return 1;
  const trimmed = w.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, (end) => end[0]).replace(/^y/, '');
  return Math.max(1, (trimmed.match(/[aeiouy]+/g) ?? []).length);
}

/** Sentences end at . ! or ?, or at a line break (each criterion in a list is read as a sentence). */
export function readability(text: string): Readability {
  const sentences = text.split(/[.!?]+(?:\s|$)|\n+/).map((s) => s.trim()).filter((s) => /[A-Za-z0-9]/.test(s));
  const words = sentences.flatMap((s) => s.split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)));
  if (!words.length) return { words: 0, sentences: 0, syllables: 0, grade: 0, readingEase: 100, readingAge: 5 };
  const syllables = words.reduce((n, w) => n + (/^[0-9]/.test(w) ? 1 : syllablesIn(w)), 0);
  const perSentence = words.length / sentences.length;
  const perWord = syllables / words.length;
  const grade = 0.39 * perSentence + 11.8 * perWord - 15.59;
  const readingEase = 206.835 - 1.015 * perSentence - 84.6 * perWord;
  return { words: words.length, sentences: sentences.length, syllables, grade, readingEase, readingAge: Math.max(5, Math.round(grade + 5)) };
}
