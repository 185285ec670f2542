import { OrganisationCodes, postcodeAreas } from './codes.js';
import { isoTimestamp } from './dates.js';
import { AREA_SD, PLACE_SD, PRACTICE_SD, assignDeciles } from './deprivation.js';
import { placeWords, practiceName, primarySchoolName, secondarySchoolName, streetName, UniqueNames } from './places.js';
import { Staff, type DemoUser } from './professionals.js';
import type { Rng } from '../platform/random/seeded.js';
import { clusterSizes, placeCount, practiceCount, split } from './sizing.js';
import type { Row } from './writer.js';
import type { Role } from '../platform/access/roles.js';

/** An LSOA-like neighbourhood; decile is set once every area's deprivation score is known. */
export type Lsoa = { code: string; decile: number; district: string; streets: string[]; score: number; children: number };
export type School = { id: string; phase: 'primary' | 'secondary'; senco: string; nurse: string };

export type Place = {
  index: number;
  id: string;
  name: string;
  children: number;
  socialCareId: string;
  paediatricians: string[];
  careCoordinators: string[];
  camhs: string[];
  socialWorkers: string[];
  youthJusticeWorkers: string[];
  youngCarerWorkers: string[];
  /** The acute trust serving the place, its main hospital site and (if it has one) a community hospital site. */
  acuteTrustId: string;
  hospitalSiteId: string;
  urgentCareSiteId: string;
  /** The community provider's child development centre and the mental health trust's CAMHS base in this place. */
  developmentCentreSiteId: string;
  camhsSiteId: string;
};

export type Cluster = {
  index: number;
  id: string;
  place: Place;
  lead: string;
  practices: Practice[];
  primaries: School[];
  secondaries: School[];
};

export type Practice = {
  index: number;
  id: string;
  place: Place;
  cluster: Cluster;
  children: number;
  /** Scales the non-White share of the national ethnic mix. */
  diversity: number;
  lsoas: Lsoa[];
  gps: string[];
  nurses: string[];
  healthVisitors: string[];
  /** The practice's main surgery. */
  siteId: string;
};

export type Structure = {
  icsId: string;
  communityProviderId: string;
  mentalHealthTrustId: string;
  places: Place[];
  clusters: Cluster[];
  practices: Practice[];
  demo: Map<Role, DemoUser>;
  /** Rows for the structural tables, in foreign-key order. */
  rows: { place: Row[]; organisation: Row[]; site: Row[]; professional: Row[]; cluster: Row[]; cluster_practice: Row[] };
};

export type StructureInput = {
  icsId: string;
  icsName: string;
  children: number;
  todayDays: number;
  demoEmailDomain: string;
  demoPasswordHash: string | null;
};

/** "Demo ICS" → "Demo": the area word used in NHS body names. */
function areaName(icsName: string): string {
  const stripped = icsName.replace(/\b(integrated care system|ics)\b/gi, '').replace(/\s+/g, ' ').trim();
  return stripped || icsName;
}

const centre = (xs: number[], weights: number[]) => {
  const total = weights.reduce((a, b) => a + b, 0);
  const mean = xs.reduce((a, x, i) => a + x * weights[i], 0) / total;
  return xs.map((x) => x - mean);
};

/**
 * Builds places, organisations, sites, hubs, practices, schools and staff,
 * and decides which professional is the demo user for each role: each sits
 * where a demo finds children (the first practice, the first hub, the first
 * place), see care-teams.ts for the caseloads that follow.
 */
export function buildStructure(input: StructureInput, rng: Rng, ids: Rng): Structure {
  const { icsId, children } = input;
  const area = areaName(input.icsName);
  const codes = new OrganisationCodes(rng);
  const names = new UniqueNames(rng);
  const staff = new Staff(icsId, ids, rng, input.demoEmailDomain, input.demoPasswordHash);
  const rows: Structure['rows'] = { place: [], organisation: [], site: [], professional: staff.rows, cluster: [], cluster_practice: [] };

  const org = (kind: string, name: string, odsCode: string, placeId: string | null) => {
    const id = ids.uuid();
    // Practices get a number from Ofcom's drama range (01632 960000 to 960999), for families' advice pages.
    const phone = kind === 'gp-practice' ? `01632 960${String(rows.organisation.length % 1000).padStart(3, '0')}` : null;
    // A school's code is its DfE URN (schools seldom have ODS codes), served under UK Core's school-number system.
    rows.organisation.push({ ics_id: icsId, id, ods_code: odsCode, name, kind, place_id: placeId, phone, dfe_urn: kind === 'school' ? odsCode : null });
    return id;
  };
  const site = (organisationId: string, name: string, district: string | null) => {
    const id = ids.uuid();
    rows.site.push({ ics_id: icsId, id, organisation_id: organisationId, name, postcode_district: district });
    return id;
  };

  // Sizes first: practices → hubs → places, so every hub sits inside one place.
  const nPractices = practiceCount(children);
  const hubSizes = clusterSizes(nPractices, rng);
  const nPlaces = placeCount(children, hubSizes.length);
  const hubsPerPlace = split(hubSizes.length, nPlaces, rng, 0.4);
  const practiceChildren = split(children, nPractices, rng, 0.25, 0);

  const placeNames = rng.shuffle([...placeWords()]).slice(0, nPlaces);
  const areas = postcodeAreas(rng, nPlaces);
  const icsBody = org('ics-body', `NHS ${area} Integrated Care Board`, codes.icsBody(), null);
  const community = org('community-provider', `${area} Community Health Services NHS Trust`, codes.trust(), null);
  const mentalHealth = org('mental-health-trust', `${area} Mental Health NHS Foundation Trust`, codes.trust(), null);
  org('voluntary-sector', `${area} Children's Charities Network`, codes.voluntary(), null);

  staff.pool('ics-analyst', icsBody, 3, true);
  staff.pool('privacy-officer', icsBody, 2, true);
  staff.pool('admin', icsBody, 2, true);
  // Keeps the advice library for families: edits and approves its pages (issue 18).
  staff.demoApart('clinical-lead', icsBody);

  // Deprivation and diversity vary by place; both are centred so the ICS as a
  // whole keeps the national mix (≈20% Core20, ≈72% White).
  let hubCursor = 0;
  let practiceCursor = 0;
  const placeHubs = hubsPerPlace.map((n) => {
    const sizes = hubSizes.slice(hubCursor, (hubCursor += n));
    return sizes.map((s) => practiceChildren.slice(practiceCursor, (practiceCursor += s)));
  });
  const placeChildren = placeHubs.map((hubs) => hubs.flat().reduce((a, b) => a + b, 0));
  const placeShift = nPlaces === 1 ? [0] : centre(placeChildren.map(() => rng.normal() * PLACE_SD), placeChildren);
  const placeDiversityRaw = placeChildren.map(() => (nPlaces === 1 ? 1 : Math.exp(rng.normal() * 0.5)));
  const meanDiversity = placeDiversityRaw.reduce((a, d, i) => a + d * placeChildren[i], 0) / children;
  const placeDiversity = placeDiversityRaw.map((d) => d / meanDiversity);

  const acuteTrusts = nPlaces <= 2 ? 1 : 2;
  const trustOfPlace = (p: number) => (acuteTrusts === 1 ? 0 : p < Math.ceil(nPlaces / 2) ? 0 : 1);
  const trusts = Array.from({ length: acuteTrusts }, (_, t) => {
    const home = t === 0 ? 0 : Math.ceil(nPlaces / 2); // the first place each trust serves
    const id = org('acute-trust', `${placeNames[home]} Hospitals NHS Foundation Trust`, codes.trust(), null);
    const hospital = site(id, `${placeNames[home]} General Hospital`, `${areas[home]}1`);
    const communityHospital = rng.chance(0.6) ? site(id, `${rng.pick(placeWords())} Community Hospital`, `${areas[home]}2`) : hospital;
    return { id, hospital, communityHospital, paediatricians: [] as string[], children: 0 };
  });

  const places: Place[] = [];
  const clusters: Cluster[] = [];
  const practices: Practice[] = [];
  const allLsoas: Lsoa[] = [];
  let lsoaCounter = 900_000; // above the real E01 range (about E01035000)

  placeHubs.forEach((hubs, p) => {
    const placeId = ids.uuid();
    const name = placeNames[p];
    rows.place.push({ ics_id: icsId, id: placeId, name });
    const trust = trusts[trustOfPlace(p)];
    trust.children += placeChildren[p];
    const socialCareId = org('childrens-social-care', `${name} Council Children's Services`, codes.localAuthority(), placeId);
    const youthJusticeId = org('youth-justice', `${name} Youth Justice Service`, codes.youthJustice(), placeId);
    const youngCarersId = org('voluntary-sector', `${name} Young Carers' Service`, codes.voluntary(), placeId);
    const developmentCentreSiteId = site(community, `${name} Child Development Centre`, `${areas[p]}1`);
    const camhsSiteId = site(mentalHealth, `${name} CAMHS`, `${areas[p]}1`);

    const c = placeChildren[p];
    const place: Place = {
      index: p,
      id: placeId,
      name,
      children: c,
      socialCareId,
      paediatricians: trust.paediatricians,
      // Caseloads sized from expected prevalence (see conditions.ts, flags.ts).
      careCoordinators: staff.pool('care-coordinator', community, Math.ceil((c * 0.0069) / 25) + 1, p === 0),
      camhs: staff.pool('camhs-clinician', mentalHealth, Math.ceil((c * 0.0156) / 40) + 1, p === 0),
      socialWorkers: staff.pool('social-worker', socialCareId, Math.ceil((c * 0.011) / 15) + 1, p === 0),
      youthJusticeWorkers: staff.pool('youth-justice-worker', youthJusticeId, Math.ceil((c * 0.0018) / 10) + 1, p === 0),
      youngCarerWorkers: staff.pool('care-coordinator', youngCarersId, Math.ceil((c * 0.01) / 60) + 1),
      acuteTrustId: trust.id,
      hospitalSiteId: trust.hospital,
      urgentCareSiteId: trust.communityHospital,
      developmentCentreSiteId,
      camhsSiteId,
    };
    places.push(place);

    const nPlacePractices = hubs.reduce((a, h) => a + h.length, 0);
    const districts = Math.min(99, nPlacePractices + 2);
    const practiceEffects = centre(
      Array.from({ length: nPlacePractices }, () => rng.normal() * PRACTICE_SD),
      hubs.flat().map((k) => Math.max(k, 1)),
    );
    // More diverse where more deprived, as in most English towns; rescaled so the place keeps its own mix.
    const rawDiversity = practiceEffects.map((e) => Math.exp(rng.normal() * 0.4 - 0.3 * e));
    const placeKids = hubs.flat();
    const meanRaw = rawDiversity.reduce((a, d, i) => a + d * placeKids[i], 0) / Math.max(1, placeChildren[p]);
    const practiceDiversity = rawDiversity.map((d) => (placeDiversity[p] * d) / (meanRaw || 1));
    let inPlace = 0;

    for (const hub of hubs) {
      const clusterId = ids.uuid();
      const cluster: Cluster = { index: clusters.length, id: clusterId, place, lead: '', practices: [], primaries: [], secondaries: [] };
      clusters.push(cluster);
      // Each hub has its own named general paediatrician from the place's acute trust.
      cluster.lead = staff.add('paediatrician', trust.id, cluster.index === 0);
      trust.paediatricians.push(cluster.lead);

      let hubName = '';
      for (const kids of hub) {
        const pname = names.draw(practiceName, name);
        if (!hubName) hubName = pname.replace(/^The /, '').replace(/ (Medical Centre|Surgery|Health Centre|Practice|Family Practice|Group Practice)$/, '');
        const practiceId = org('gp-practice', pname, codes.practice(), placeId);
        const d1 = 1 + Math.floor((inPlace * districts) / nPlacePractices);
        const myDistricts = [`${areas[p]}${d1}`, `${areas[p]}${Math.min(districts, d1 + 1)}`];
        const practiceSite = site(practiceId, pname, myDistricts[0]);
        if (rng.chance(0.2)) site(practiceId, `${rng.pick(placeWords())} Branch Surgery`, myDistricts[1]);

        const mean = placeShift[p] + practiceEffects[inPlace];
        const nLsoas = Math.max(3, Math.round(kids / 250));
        const lsoas = Array.from({ length: nLsoas }, () => ({
          code: `E01${++lsoaCounter}`,
          decile: 0,
          district: rng.pick(myDistricts),
          streets: [streetName(rng), streetName(rng), streetName(rng)],
          score: mean + rng.normal() * AREA_SD,
          children: kids / nLsoas,
        }));
        allLsoas.push(...lsoas);
        const first = practices.length === 0;
        const practice: Practice = {
          index: practices.length,
          id: practiceId,
          place,
          cluster,
          children: kids,
          diversity: practiceDiversity[inPlace],
          lsoas,
          gps: staff.pool('gp', practiceId, 3 + rng.int(0, 3), first),
          nurses: [],
          healthVisitors: [],
          siteId: practiceSite,
        };
        practice.nurses = staff.pool('practice-nurse', practiceId, 1 + rng.int(0, 2), first);
        // Health visitors are attached to practices, ~300 under-fives each.
        practice.healthVisitors = staff.pool('health-visitor', community, Math.round((kids * 5) / 18 / 300), first);
        cluster.practices.push(practice);
        practices.push(practice);
        inPlace++;
        rows.cluster_practice.push({
          ics_id: icsId,
          cluster_id: clusterId,
          practice_id: practiceId,
          joined_at: isoTimestamp(input.todayDays - rng.int(180, 2500), 0),
        });
      }
      // The practice rows above reference the cluster, so it is named and added now.
      const hubKids = hub.reduce((a, b) => a + b, 0);
      rows.cluster.push({
        ics_id: icsId,
        id: clusterId,
        name: names.draw(() => `${hubName} Child Health Hub`, name),
        place_id: placeId,
        lead_paediatrician_id: cluster.lead,
      });

      // One school per ~300 children: ~4 in 5 primaries (ages 4–10), the rest
      // larger secondaries (11–17); each hub has at least one of each.
      const nSchools = Math.max(2, Math.round(hubKids / 300));
      const nSecondary = Math.max(1, Math.round(nSchools * 0.2));
      const nurses = staff.pool('school-nurse', community, Math.round(nSchools / 6), cluster.index === 0);
      const school = (phase: School['phase'], i: number, demoSenco: boolean): School => {
        const schoolName = names.draw(phase === 'primary' ? primarySchoolName : secondarySchoolName, name);
        const id = org('school', schoolName, codes.school(), placeId);
        // The school nurse team covers schools in turn, so the first nurse has the first of each phase.
        return { id, phase, senco: staff.add('senco', id, demoSenco), nurse: nurses[i % nurses.length] };
      };
      // The demo SENCO is at the hub's first secondary: the most pupils, so the most EHC plans.
      for (let i = 0; i < nSecondary; i++) cluster.secondaries.push(school('secondary', i, cluster.index === 0 && i === 0));
      for (let i = 0; i < Math.max(1, nSchools - nSecondary); i++) cluster.primaries.push(school('primary', i, false));
    }
  });

  assignDeciles(allLsoas);

  // General paediatricians beyond the hub leads: ~1 per 15,000 children, plus one.
  for (const trust of trusts) {
    for (const id of staff.pool('paediatrician', trust.id, Math.ceil(trust.children / 15_000) + 1)) trust.paediatricians.push(id);
  }
  // The hubs' clinic bookings are run centrally by the community provider: ~1 administrator per 50,000 children.
  staff.pool('hub-admin', community, Math.ceil(children / 50_000), true);
  // The demo GP also runs community paediatric clinics for the hubs (a GP with an extended role in children's health).
  staff.secondJob('gp', 'paediatrician', community);

  return { icsId, communityProviderId: community, mentalHealthTrustId: mentalHealth, places, clusters, practices, demo: staff.demo, rows };
}
