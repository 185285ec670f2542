import type { KnownOffender } from './queries.js';

/**
 * SQL the Citus query check (test/citus-queries.test.ts) found and that is
 * not mended yet: the file that sends it and the start of its text. Mend one
 * (ics_id = the tenant on every tenant table; ics_id equated in every join
 * and correlated subquery; VALUES, not a function, for rows to insert) and
 * take its line off: the check fails on a listed one no longer sent, so this
 * list only shrinks. Never add a line for new code.
 */
export const KNOWN_OFFENDERS: readonly KnownOffender[] = [
  { file: "src/admin/store.ts", sql: "SELECT c.id, c.name, c.place_id, pl.name AS place_name, c.lead_paediat" },
  { file: "src/advice/figures.ts", sql: "SELECT CASE WHEN c.imd_decile IS NULL THEN 'Not known' WHEN c.imd_deci" },
  { file: "src/advice/figures.ts", sql: "SELECT coalesce(cl.name, 'No hub') AS \"group\", count(*)::int AS sent, " },
  { file: "src/advice/figures.ts", sql: "SELECT v.title AS \"group\", count(*)::int AS sent, count(*) FILTER (WHE" },
  { file: "src/advice/store.ts", sql: "SELECT DISTINCT ON (page_id) page_id, version, title, condition, autho" },
  { file: "src/advice/store.ts", sql: "SELECT page_id, version, title, condition, author, approved_by, approv" },
  { file: "src/advice/store.ts", sql: "SELECT s.id, s.sent_at::text, s.sent_by_name, s.sent_by_role, s.source" },
  { file: "src/advice/store.ts", sql: "SELECT target_reading_age FROM advice_setting" },
  { file: "src/family/grants.ts", sql: "SELECT EXISTS (SELECT 1 FROM child_flag WHERE child_id = $1::uuid AND " },
  { file: "src/family/grants.ts", sql: "SELECT decision, framework, outcome, understood, assessed_by_name, ass" },
  { file: "src/family/grants.ts", sql: "SELECT e.grant_id, e.at, e.by_name, e.change, e.status, e.reason FROM " },
  { file: "src/family/grants.ts", sql: "SELECT g.id, g.kind, g.related_person_id, CASE WHEN g.kind = 'own-acce" },
  { file: "src/family/grants.ts", sql: "SELECT r.id, r.related_person_id, rp.given_name || ' ' || rp.family_na" },
  { file: "src/family/grants.ts", sql: "SELECT rp.id, rp.given_name || ' ' || rp.family_name AS name, crp.rela" },
  { file: "src/family/milestone-decisions.ts", sql: "SELECT grant_id, milestone, basis, note, recorded_by_name, recorded_at" },
  { file: "src/family/questions.ts", sql: "SELECT id, subject, answer_due_at, answer_due_at < now() AS overdue FR" },
  { file: "src/family/service.ts", sql: "SELECT response_working_days, review_age FROM family_setting" },
  { file: "src/letters/store.ts", sql: "SELECT kind, version, title, body, changed_by_name, changed_at::text F" },
  { file: "src/organisations/service.ts", sql: "SELECT (SELECT count(*)::int FROM organisation) AS organisations, (SEL" },
  { file: "src/organisations/service.ts", sql: "SELECT cl.id, cl.name, cl.lead_paediatrician_id, p.name AS lead_name F" },
  { file: "src/platform/access/duties.ts", sql: "SELECT d.id, d.what, d.mode, d.requested_by, d.requested_by_name, d.re" },
  { file: "src/platform/access/duties.ts", sql: "SELECT professional_id, min(mode) AS mode FROM duty_check WHERE decide" },
  { file: "src/population/case-finding/store.ts", sql: "SELECT DISTINCT ON (name, id) id, name, how FROM ( SELECT cl.id, cl.na" },
  { file: "src/population/case-finding/store.ts", sql: "SELECT c.child_id, m.id AS meeting_id, m.title, m.starts_at FROM mdt_c" },
  { file: "src/population/case-finding/store.ts", sql: "SELECT cl.id, cl.name, 'practice' AS how FROM cluster_practice cp JOIN" },
  { file: "src/population/case-finding/store.ts", sql: "SELECT id, name, criteria, window_months, cohort, no_hub_contact, chan" },
  { file: "src/population/indicators/store.ts", sql: "SELECT id, changed_by_name, changed_at FROM indicator_definition" },
  { file: "src/record/store.ts", sql: "SELECT e.id, e.child_id, e.kind, e.code_system, e.code, e.display, e.s" },
  { file: "src/record/store.ts", sql: "SELECT e.id, e.child_id, e.type, e.started_at, e.ended_at, e.organisat" },
  { file: "src/safety/store.ts", sql: "SELECT control_id, in_place, note, version, changed_by_name, changed_a" },
];
