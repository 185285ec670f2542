import { readList } from '../platform/data-files.js';
import type { Rng } from '../platform/random/seeded.js';

/**
 * Invented place words (data/place-names.txt) for places, neighbourhoods,
 * practices, hubs, schools and streets. Names of one kind are kept unique
 * within an ICS where the list allows, so a demo never shows two
 * "Millbrook Surgery"s.
 */
let cached: string[] | null = null;
export const placeWords = () => (cached ??= readList('place-names.txt'));

const STREET_WORDS = [
  'Station', 'Church', 'Park', 'Victoria', 'Albert', 'Mill', 'School', 'Queens', 'Kings', 'Manor', 'Grove',
  'Meadow', 'Orchard', 'Chestnut', 'Beech', 'Elm', 'Oak', 'Willow', 'Cedar', 'Hawthorn', 'Springfield',
  'Highfield', 'Windsor', 'York', 'Princes', 'Brook', 'Hill', 'Green', 'Bridge', 'Castle', 'Market', 'High',
  'Rose', 'Holly', 'Ash', 'Laurel', 'Poplar', 'Primrose', 'Clarence', 'Stanley',
];
const STREET_KINDS = ['Road', 'Street', 'Lane', 'Avenue', 'Close', 'Way', 'Drive', 'Gardens', 'Crescent', 'Terrace', 'Place', 'View'];
const SAINTS = [
  'Mary', 'John', 'Peter', 'Paul', 'Andrew', 'George', 'Michael', 'Anne', 'Joseph', 'Margaret', 'Thomas', 'Luke',
  'Mark', 'Matthew', 'Bede', 'Chad', 'Hilda', 'Aidan', 'Cuthbert', 'Teresa', 'Francis', 'Patrick', 'David',
  'Edmund', 'Stephen', 'Bernadette', 'Catherine', 'Augustine', 'Wilfrid', 'Oswald',
];

export const streetName = (rng: Rng) => `${rng.pick(STREET_WORDS)} ${rng.pick(STREET_KINDS)}`;

/** Draws names from a template until an unused one comes up; gives up politely after a while. */
export class UniqueNames {
  private used = new Set<string>();
  constructor(private rng: Rng) {}

  draw(make: (rng: Rng) => string, suffix: string): string {
    let name = make(this.rng);
    for (let tries = 0; this.used.has(name) && tries < 30; tries++) name = make(this.rng);
    if (this.used.has(name)) name = `${name} ${suffix}`;
    for (let n = 2; this.used.has(name); n++) name = `${name.replace(/ \d+$/, '')} ${n}`;
    this.used.add(name);
    return name;
  }
}

const word = (rng: Rng) => rng.pick(placeWords());

export const practiceName = (rng: Rng) =>
  rng.pick([
    (w: string) => `${w} Medical Centre`,
    (w: string) => `${w} Surgery`,
    (w: string) => `${w} Health Centre`,
    (w: string) => `The ${w} Practice`,
    (w: string) => `${w} Family Practice`,
    (w: string) => `${w} Group Practice`,
    () => `${streetName(rng)} Surgery`,
  ])(word(rng));

export const primarySchoolName = (rng: Rng) =>
  rng.pick([
    (w: string) => `${w} Primary School`,
    (w: string) => `${w} Primary Academy`,
    (w: string) => `${w} Community Primary School`,
    (w: string) => `${w} Infant and Junior School`,
    () => `St ${rng.pick(SAINTS)}'s C of E Primary School`,
    () => `St ${rng.pick(SAINTS)}'s Catholic Primary School`,
  ])(word(rng));

export const secondarySchoolName = (rng: Rng) =>
  rng.pick([
    (w: string) => `${w} High School`,
    (w: string) => `${w} Academy`,
    (w: string) => `${w} School`,
    (w: string) => `${w} Community College`,
    () => `St ${rng.pick(SAINTS)}'s Catholic High School`,
  ])(word(rng));
