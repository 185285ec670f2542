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
];
