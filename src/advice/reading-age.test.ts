import { describe, expect, it } from 'vitest';
import { readability, syllablesIn } from './reading-age.js';

describe('reading age (Flesch–Kincaid)', () => {
  it('scores the textbook example "The cat sat on the mat." as Flesch reading ease 116 and grade −1.45', () => {
    const r = readability('The cat sat on the mat.');
    expect(r).toMatchObject({ words: 6, sentences: 1, syllables: 6 });
    expect(r.readingEase).toBeCloseTo(116.1, 1);
    expect(r.grade).toBeCloseTo(-1.45, 2);
    expect(r.readingAge).toBe(5);
  });

  it('scores the published platypus sentence (13 words, 24 syllables) at grade 11.3, a reading age of 16', () => {
    const r = readability('The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.');
    expect(r).toMatchObject({ words: 13, sentences: 1, syllables: 24 });
    expect(r.grade).toBeCloseTo(11.3, 1);
    expect(r.readingAge).toBe(16);
  });

  it('counts syllables by vowel groups less a silent e', () => {
    expect(['cat', 'creature', 'hybrid', 'reptilian', 'breathing', 'make', 'table'].map(syllablesIn)).toEqual([1, 2, 2, 3, 2, 1, 2]);
  });

  it('reads each line of a list as a sentence, so short criteria score as easy', () => {
    const list = readability('Your baby is floppy\nYour baby will not feed\nThe skin looks blue');
    expect(list.sentences).toBe(3);
    expect(list.grade).toBeLessThan(readability('Your baby is floppy and your baby will not feed and the skin looks blue.').grade);
  });
});
