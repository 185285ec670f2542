import { describe, expect, it } from 'vitest';
import { actionLine, composeLetter, type LetterFacts } from './letter.js';

const facts = (actions: LetterFacts['actions']): LetterFacts => ({
  childName: 'Ada Example', dateOfBirth: '2021-05-01', nhsNumber: '9990000018', hub: 'North Hub', meetingDate: '2026-12-01', question: 'How to help at nursery?',
  discussion: 'Talked.', decisions: 'Decided.', actions, broughtBy: 'Dr GP', chair: 'Dr Chair', attendees: [],
});

describe('the MDT letter’s actions', () => {
  it('makes an action typed as a note a sentence, saying who and by when', () => {
    const doc = composeLetter(facts([{ description: 'toileting plan at nursery', owner: 'Mihaela Kozlowski', ownerRole: 'Education (SENCO)', dueOn: '2027-01-12' }]));
    const texts = doc.lines.map((l) => l.text);
    expect(texts[texts.indexOf('Who will do what') + 1]).toBe('Toileting plan at nursery. Who: Mihaela Kozlowski, Education (SENCO). By 12 January 2027.');
  });

  it('reads right however the action is typed: a verb, its own full stop or question, several lines; a team without a role', () => {
    expect(actionLine({ description: 'Visit home about damp.', owner: 'Sam Worker', ownerRole: 'Social worker', dueOn: '2027-02-01' }))
      .toBe('Visit home about damp. Who: Sam Worker, Social worker. By 1 February 2027.');
    expect(actionLine({ description: '  Is a ramp needed?\nCheck with school ', owner: 'Oakfield Primary School', dueOn: '2027-03-05' }))
      .toBe('Is a ramp needed? Check with school. Who: Oakfield Primary School. By 5 March 2027.');
  });
});
