import { describe, expect, it } from 'vitest';
import { readSearch } from './search-form.js';

const today = new Date('2026-11-23T12:00:00Z');

describe('find-a-child form', () => {
  it('reads an NHS number typed with spaces', () => {
    expect(readSearch({ q: '999 123 4578' }, today).criteria).toEqual({ by: 'nhs-number', nhsNumber: '9991234578' });
  });

  it('says what is wrong with an NHS number', () => {
    expect(readSearch({ q: '999 123 4577' }, today).fields.q).toBe('NHS number is not valid: check the 10 digits');
    expect(readSearch({ q: '999 123' }, today).fields.q).toBe('NHS number must be 10 digits');
  });

  it('reads a surname with a date of birth', () => {
    const { criteria } = readSearch({ q: 'Okafor', 'dob[day]': '7', 'dob[month]': '3', 'dob[year]': '2015' }, today);
    expect(criteria).toEqual({ by: 'surname-and-birth-date', surname: 'Okafor', dateOfBirth: '2015-03-07' });
  });

  it('reads part of a name', () => {
    expect(readSearch({ q: 'jam  smi' }, today).criteria).toEqual({ by: 'name', words: ['jam', 'smi'] });
    expect(readSearch({ q: "O'Br" }, today).criteria).toEqual({ by: 'name', words: ["O'Br"] });
  });

  it('refuses impossible and future dates of birth', () => {
    expect(readSearch({ q: 'Smith', 'dob[day]': '31', 'dob[month]': '2', 'dob[year]': '2015' }, today).fields.dob).toBe('Date of birth must be a real date');
    expect(readSearch({ q: 'Smith', 'dob[day]': '1', 'dob[month]': '1', 'dob[year]': '2027' }, today).fields.dob).toBe('Date of birth must be today or in the past');
    expect(readSearch({ q: 'Smith', 'dob[day]': '1', 'dob[year]': '2015' }, today).fields.dob).toBe('Date of birth must include a day, month and year');
  });

  it('asks for something to search for, and for real name characters', () => {
    expect(readSearch({ q: '  ' }, today).fields.q).toBe('Enter an NHS number or a name');
    expect(readSearch({ q: 'a' }, today).fields.q).toBe('Enter at least 2 letters of the name');
    expect(readSearch({ q: 'Smith; DROP TABLE child' }, today).fields.q).toBe('Names can only include letters, spaces, hyphens and apostrophes');
    expect(readSearch({ q: 'x'.repeat(101) }, today).fields.q).toBe('Search must be 100 characters or fewer');
    expect(readSearch({ q: ['a', 'b'] }, today).fields.q).toBe('Enter an NHS number or a name');
  });
});
