import fs from 'node:fs';
import path from 'node:path';
import type { LetterDocument } from '../platform/http/pdf.js';
import { CONTROL_KINDS, CONTROL_OWNERS, HAZARD_STATUSES, type Control, type Hazard, type HazardLog } from './hazard-schema.js';
import { consequenceLabel, likelihoodLabel, riskLabel, riskOf, type Consequence, type Likelihood } from './risk-matrix.js';
import { REPOSITORY_ROOT } from './safety-files.js';
import { testStatus, type TestRun, type TestStatus } from './test-evidence.js';

/** The release the safety case speaks for: package.json's version. */
export function releaseVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

const assessed = (a: { likelihood: Likelihood; consequence: Consequence }) => {
  const risk = riskOf(a.likelihood, a.consequence);
  return { risk, label: riskLabel(risk), likelihood: likelihoodLabel(a.likelihood), consequence: consequenceLabel(a.consequence) };
};

/** A control with what the last run says of each test it names; proven only when every one passed. */
function controlView(control: Control, run: TestRun | null) {
  const tests = control.tests.map((reference) => ({ reference, status: testStatus(reference, run) }));
  const worst: TestStatus | null = tests.length === 0 ? null
    : (['failed', 'missing', 'skipped', 'not run', 'passed'] as const).find((s) => tests.some((t) => t.status === s)) ?? null;
  return { ...control, kindLabel: CONTROL_KINDS[control.kind], ownerLabel: CONTROL_OWNERS[control.owner], tests, evidence: worst };
}

export function hazardView(hazard: Hazard, run: TestRun | null) {
  const controls = hazard.controls.map((c) => controlView(c, run));
  return {
    ...hazard,
    statusLabel: HAZARD_STATUSES[hazard.status],
    initial: assessed(hazard.initialRisk),
    residual: assessed(hazard.residualRisk),
    controls,
    unproven: controls.filter((c) => c.evidence !== null && c.evidence !== 'passed'),
    proven: controls.filter((c) => c.evidence === 'passed').length,
    provable: controls.filter((c) => c.evidence !== null).length,
    lastReview: hazard.reviews.at(-1)!,
  };
}
export type HazardView = ReturnType<typeof hazardView>;

/** The clinical safety case report for this release, generated from the log and the last test run. */
export function safetyCaseReport(log: HazardLog, run: TestRun | null, version = releaseVersion()) {
  const hazards = log.hazards.map((h) => hazardView(h, run));
  const signOff = log.safetyCase.signOffs.find((s) => s.version === version) ?? null;
  return {
    ...log.safetyCase,
    version,
    run,
    hazards,
    outstanding: hazards.filter((h) => h.status === 'open' || h.unproven.length > 0),
    highestResidual: Math.max(0, ...hazards.map((h) => h.residual.risk)),
    signOff,
    earlierSignOff: signOff ? null : log.safetyCase.signOffs.at(-1) ?? null,
  };
}
export type SafetyCaseReport = ReturnType<typeof safetyCaseReport>;

export const TEST_STATUS_LABELS: Record<TestStatus, string> = {
  passed: 'Passed', failed: 'Failed', skipped: 'Skipped', missing: 'Missing', 'not run': 'Not run',
};

/** The report as the lines of a PDF: the same words as the page. */
export function safetyCasePdfLines(r: SafetyCaseReport): LetterDocument {
  const lines: LetterDocument['lines'] = [];
  const heading = (text: string) => lines.push({ text, heading: true });
  const para = (text: string) => lines.push({ text });
  para(`Release ${r.version}. Manufacturer: ${r.manufacturer}. Generated from the hazard log in the repository (safety/hazards).`);
  heading('Scope');
  r.scope.forEach((s) => para(`• ${s}`));
  heading('Intended use');
  para(r.intendedUse);
  heading('Intended users');
  r.intendedUsers.forEach((u) => para(`• ${u}`));
  if (r.notIntendedFor.length) {
    heading('Not intended for');
    r.notIntendedFor.forEach((u) => para(`• ${u}`));
  }
  heading('Hazards and their residual risks');
  for (const h of r.hazards) {
    para(`${h.id} ${h.title}. Initial risk ${h.initial.risk} (${h.initial.likelihood} likelihood, ${h.initial.consequence} consequence); residual risk ${h.residual.risk} (${h.residual.likelihood}, ${h.residual.consequence}): ${h.residual.label}. Status: ${h.statusLabel}.`);
  }
  heading('Outstanding');
  if (r.outstanding.length === 0) para('Nothing is outstanding.');
  for (const h of r.outstanding) {
    const why = [h.status === 'open' ? 'open' : null, ...h.unproven.map((c) => `${c.id} ${TEST_STATUS_LABELS[c.evidence!].toLowerCase()} in the last test run`)].filter(Boolean).join('; ');
    para(`${h.id} ${h.title}: ${why}.`);
  }
  heading('Sign-off');
  para(signOffText(r));
  return { title: `Clinical safety case report: ${r.product} ${r.version}`, lines };
}

export function signOffText(r: SafetyCaseReport): string {
  if (r.signOff) return `Signed off for release ${r.version} by ${r.signOff.by} on ${r.signOff.on}: ${r.signOff.statement}`;
  const officer = r.clinicalSafetyOfficer ? `The clinical safety officer, ${r.clinicalSafetyOfficer.name}, has not signed off release ${r.version}.` : `No clinical safety officer is named yet, so release ${r.version} cannot be signed off.`;
  return r.earlierSignOff ? `${officer} The last sign-off was for release ${r.earlierSignOff.version}, on ${r.earlierSignOff.on}.` : officer;
}

/** DCB0160: the controls a deploying ICS must put in place itself, by hazard. */
export function handoverItems(log: HazardLog) {
  return log.hazards
    .map((h) => ({ hazard: h, controls: h.controls.filter((c) => c.owner === 'deploying-organisation') }))
    .filter((g) => g.controls.length > 0);
}
