import { describe, expect, it } from 'vitest';
import { readEntryForm, formErrorList, fieldOrder } from './entry-form.js';
import { readContactForm } from './contact-form.js';

const today = new Date('2026-11-23T12:00:00Z');

describe('the entry and contact forms', () => {
  it('turns a filled form into the API’s entry input', () => {
    const r = readEntryForm('medication', {
      display: ' Salbutamol inhaler ', status: 'active', 'startedOn-day': '3', 'startedOn-month': '4', 'startedOn-year': '2025',
      'details-course': 'repeat', 'details-dose': '2 puffs', 'details-reason': '', sensitiveCategory: '',
    }, today);
    expect(r.fields).toEqual({});
    expect(r.input).toMatchObject({ kind: 'medication', display: 'Salbutamol inhaler', status: 'active', startedOn: '2025-04-03', endedOn: null, details: { course: 'repeat', dose: '2 puffs' }, sensitiveCategory: null });
  });

  it('gives every message at once, in the order of the form, each linked to its box', () => {
    const r = readEntryForm('allergy', { 'endedOn-day': '1', 'details-severity': 'dreadful', sensitiveCategory: 'rumour', display: ['a', 'b'] }, today);
    expect(r.input).toBeUndefined();
    expect(formErrorList(r.fields, fieldOrder('allergy'))).toEqual([
      { text: 'Enter the substance or allergy', href: '#display' },
      { text: 'Select the status', href: '#status' },
      { text: 'Date it stopped must include a month and a year', href: '#endedOn-day' },
      { text: 'Select how severe the reaction is', href: '#details-severity' },
      { text: 'Select whether this is sensitive from the list', href: '#sensitiveCategory' },
    ]);
  });

  it('names a routine vaccine from its code, and wants a whole dose number', () => {
    const r = readEntryForm('immunisation', { display: '', code: '871831003', status: 'completed', 'details-doseNumber': '1' }, today);
    expect(r.input).toMatchObject({ display: 'Measles, mumps and rubella (MMR) vaccine', code: '871831003', codeSystem: 'http://snomed.info/sct', details: { doseNumber: 1 } });
    expect(readEntryForm('immunisation', { display: 'BCG', status: 'completed', 'details-doseNumber': '1.5' }, today).fields['details-doseNumber'])
      .toBe('Dose number must be a whole number, like 2');
  });

  it('reads a contact’s London date and time', () => {
    const r = readContactForm({ type: 'ed', 'startedAt-day': '15', 'startedAt-month': '7', 'startedAt-year': '2026', 'startedAt-time': '21:30', reasonDisplay: 'Fall' }, 'a6c1c2a4-33b5-4f0e-9a41-1b7c5e0d9c11', today);
    expect(r.fields).toEqual({});
    expect(r.input).toMatchObject({ type: 'ed', startedAt: '2026-07-15T20:30:00Z', reasonDisplay: 'Fall', emergency: null });
    const bad = readContactForm({ 'startedAt-day': '1', 'startedAt-month': '1', 'startedAt-year': '2030', 'startedAt-time': '9' }, 'a6c1c2a4-33b5-4f0e-9a41-1b7c5e0d9c11', today);
    expect(bad.fields).toMatchObject({ type: 'Select the type of contact', 'startedAt-time': 'Enter the time it started on the 24-hour clock, like 14:05' });
  });
});
