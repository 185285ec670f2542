import crypto from 'node:crypto';
import type { Tx } from '../platform/db/client.js';
import type { Actor } from '../platform/access/actor.js';
import { policy } from '../platform/access/policy.js';
import { ROLES, type Role } from '../platform/access/roles.js';
import { roleFits, roleMisfitWords } from '../platform/access/role-fit.js';
import { jobRolesConfirming } from '../platform/auth/oidc/national-roles.js';
import { CHECKED_ROLES, openChecksByAccount, openDutyCheck } from '../platform/access/duties.js';
import { recordAudit } from '../platform/audit/audit.js';
import { enterSignInName, SIGN_IN_NAME_TAKEN } from '../platform/auth/directory.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/http/errors.js';
import type { OrganisationKind } from '../platform/access/organisation-kinds.js';
import type { ClusterInput, EditUserInput, NewUserInput, OrganisationInput, WorkingDaysInput } from './forms.js';
import { KIND_LABELS } from './labels.js';
import { pageWindow } from '../platform/http/paging.js';
import * as store from './store.js';
import { adminPolicy } from './policy.js';

/**
 * Administration of one ICS: organisations, clusters and user accounts.
 * Every function checks the policy itself (routes check it too), validates what
 * needs the database, and audits each change in the caller's transaction.
 */

export const USERS_PER_PAGE = 50;
export const ORGANISATIONS_PER_PAGE = 100;

export function requireAdmin(actor: Actor): string {
  const decision = policy.manageOrganisations(actor);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return decision.why;
}

/** A short fingerprint of what an edit form showed; a different one on save means someone else changed the record. */
export function fingerprint(values: Record<string, unknown>): string {
  return crypto.createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 16);
}

function checkVersion(given: string | undefined, current: string, what: string) {
  if (given !== undefined && given !== current) {
    throw new ConflictError(`Someone else changed this ${what} while you were editing it. Go back, reload the page and make your changes again.`);
  }
}

/** The name of the unique index a failed insert or update broke, if that is what went wrong. */
export function uniqueViolation(error: unknown): string | undefined {
  for (let e = error as { code?: string; constraint?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return e.constraint ?? '';
  }
  return undefined;
}

const changedKeys = <T extends Record<string, unknown>>(before: T, after: T) => Object.keys(after).filter((k) => before[k] !== after[k]);

// ---- organisations

export async function organisationList(tx: Tx, actor: Actor, kind: OrganisationKind | undefined, page: number) {
  requireAdmin(actor);
  const window = pageWindow(await store.countOrganisations(tx, kind), page, ORGANISATIONS_PER_PAGE);
  return { window, organisations: await store.listOrganisations(tx, kind, window.size, window.offset) };
}

export async function organisationFormOptions(tx: Tx, actor: Actor) {
  requireAdmin(actor);
  return { places: await store.places(tx) };
}

const organisationVersion = (o: store.OrganisationRow) => fingerprint({ name: o.name, kind: o.kind, ods: o.ods_code, place: o.place_id });

export async function organisationForEdit(tx: Tx, actor: Actor, id: string) {
  requireAdmin(actor);
  const organisation = await store.organisation(tx, id);
  if (!organisation) throw new NotFoundError();
  return { organisation, version: organisationVersion(organisation), places: await store.places(tx) };
}

async function checkOrganisation(tx: Tx, input: OrganisationInput, self?: string) {
  const fields: Record<string, string> = {};
  const holder = await store.organisationWithOdsCode(tx, input.odsCode);
  if (holder && holder.id !== self) fields.odsCode = `An organisation with ODS code ${input.odsCode} already exists`;
  if (input.placeId && !(await store.placeExists(tx, input.placeId))) fields.placeId = 'Select a place from the list';
  return fields;
}

const odsTaken = (odsCode: string) => new ValidationError({ odsCode: `An organisation with ODS code ${odsCode} already exists` });

export async function createOrganisation(tx: Tx, actor: Actor, input: OrganisationInput): Promise<string> {
  const why = requireAdmin(actor);
  const fields = await checkOrganisation(tx, input);
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const id = crypto.randomUUID();
  try {
    await store.insertOrganisation(tx, actor.icsId, id, { ...input, placeId: input.placeId ?? null });
  } catch (e) {
    // Someone added the same code since the check above.
    if (uniqueViolation(e) === 'organisation_ods_code_idx') throw odsTaken(input.odsCode);
    throw e;
  }
  await recordAudit(tx, actor, {
    action: 'admin.organisation-created',
    what: `Organisation added: ${input.name} (${input.odsCode}), ${KIND_LABELS[input.kind]}`,
    why,
    details: { organisationId: id, odsCode: input.odsCode, kind: input.kind, placeId: input.placeId ?? null },
  });
  return id;
}

export async function updateOrganisation(tx: Tx, actor: Actor, id: string, input: OrganisationInput): Promise<void> {
  const why = requireAdmin(actor);
  const current = await store.organisation(tx, id, { lock: true });
  if (!current) throw new NotFoundError();
  checkVersion(input.version, organisationVersion(current), 'organisation');
  const fields = await checkOrganisation(tx, input, id);
  if (current.kind === 'gp-practice' && input.kind !== 'gp-practice') {
    // A cluster holds only GP practices.
    const inCluster = await store.clusterOfPractice(tx, actor.icsId, id);
    if (inCluster) fields.kind = `${current.name} is in the ${inCluster.name} cluster. Remove it from the cluster before changing its kind`;
  }
  if (current.kind !== input.kind && !fields.kind) {
    const misfit = (await store.activeRolesAt(tx, id)).find((r) => !roleFits(r, input.kind));
    if (misfit) fields.kind = `${roleMisfitWords(misfit, input.kind)}. Move or change the ${ROLES[misfit]} accounts at ${current.name} first`;
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const before = { name: current.name, kind: current.kind, odsCode: current.ods_code, placeId: current.place_id };
  const after = { name: input.name, kind: input.kind, odsCode: input.odsCode, placeId: input.placeId ?? null };
  const changed = changedKeys(before, after);
  if (changed.length === 0) return;
  try {
    await store.updateOrganisation(tx, id, after);
  } catch (e) {
    if (uniqueViolation(e) === 'organisation_ods_code_idx') throw odsTaken(input.odsCode);
    throw e;
  }
  await recordAudit(tx, actor, {
    action: 'admin.organisation-updated',
    what: `Organisation changed: ${input.name} (${input.odsCode})`,
    why,
    details: { organisationId: id, changed, before, after },
  });
}

// ---- clusters

export async function clusterList(tx: Tx, actor: Actor) {
  requireAdmin(actor);
  return store.listClusters(tx, actor.icsId);
}

export async function clusterFormOptions(tx: Tx, actor: Actor) {
  requireAdmin(actor);
  return { places: await store.places(tx), paediatricians: await store.paediatricians(tx) };
}

export async function createCluster(tx: Tx, actor: Actor, input: ClusterInput): Promise<string> {
  const why = requireAdmin(actor);
  const fields: Record<string, string> = {};
  if (!(await store.placeExists(tx, input.placeId))) fields.placeId = 'Select a place';
  if (!(await store.isActivePaediatrician(tx, input.leadId))) fields.leadId = 'Select a lead paediatrician from the list';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const id = crypto.randomUUID();
  await store.insertCluster(tx, actor.icsId, id, input);
  await recordAudit(tx, actor, {
    action: 'admin.cluster-created',
    what: `Cluster added: ${input.name}`,
    why,
    details: { clusterId: id, placeId: input.placeId, leadPaediatricianId: input.leadId },
  });
  return id;
}

export async function clusterPage(tx: Tx, actor: Actor, id: string) {
  requireAdmin(actor);
  const cluster = await store.cluster(tx, actor.icsId, id);
  if (!cluster) throw new NotFoundError();
  return {
    cluster,
    practices: await store.clusterPractices(tx, actor.icsId, id),
    available: await store.practicesWithoutCluster(tx, actor.icsId),
    paediatricians: await store.paediatricians(tx),
  };
}

async function lockCluster(tx: Tx, icsId: string, id: string) {
  const cluster = await store.cluster(tx, icsId, id, { lock: true });
  if (!cluster) throw new NotFoundError();
  return cluster;
}

export async function addPracticeToCluster(tx: Tx, actor: Actor, clusterId: string, practiceId: string): Promise<void> {
  const why = requireAdmin(actor);
  const cluster = await lockCluster(tx, actor.icsId, clusterId);
  const practice = await store.organisation(tx, practiceId);
  if (!practice || practice.kind !== 'gp-practice') throw new ValidationError({ practiceId: 'Select a GP practice from the list' });
  // The primary key lets a practice be in one cluster only; a refused insert says which one holds it.
  if (!(await store.addPractice(tx, actor.icsId, clusterId, practiceId))) {
    const holder = await store.clusterOfPractice(tx, actor.icsId, practiceId);
    const label = `${practice.name} (${practice.ods_code})`;
    throw new ValidationError({
      practiceId:
        holder?.id === clusterId
          ? `${label} is already in this cluster`
          : `${label} is already in the ${holder?.name ?? 'another'} cluster. A practice can be in only one cluster: remove it from that cluster first`,
    });
  }
  await recordAudit(tx, actor, {
    action: 'admin.cluster-practice-added',
    what: `Practice ${practice.name} (${practice.ods_code}) added to cluster ${cluster.name}`,
    why,
    details: { clusterId, practiceId },
  });
}

export async function removePracticeFromCluster(tx: Tx, actor: Actor, clusterId: string, practiceId: string): Promise<void> {
  const why = requireAdmin(actor);
  const cluster = await lockCluster(tx, actor.icsId, clusterId);
  const practice = await store.organisation(tx, practiceId);
  if (!practice || !(await store.removePractice(tx, actor.icsId, clusterId, practiceId))) throw new NotFoundError();
  await recordAudit(tx, actor, {
    action: 'admin.cluster-practice-removed',
    what: `Practice ${practice.name} (${practice.ods_code}) removed from cluster ${cluster.name}`,
    why,
    details: { clusterId, practiceId },
  });
}

export async function changeClusterLead(tx: Tx, actor: Actor, clusterId: string, leadId: string): Promise<void> {
  const why = requireAdmin(actor);
  const cluster = await lockCluster(tx, actor.icsId, clusterId);
  if (!(await store.isActivePaediatrician(tx, leadId))) throw new ValidationError({ leadId: 'Select a lead paediatrician from the list' });
  if (cluster.lead_id === leadId) return;
  await store.setLead(tx, actor.icsId, clusterId, leadId);
  await recordAudit(tx, actor, {
    action: 'admin.cluster-lead-changed',
    what: `Lead paediatrician of cluster ${cluster.name} changed`,
    why,
    details: { clusterId, from: cluster.lead_id, to: leadId },
  });
}

/** How many working days the hub has to triage a referral and to answer advice; new referrals are due by these. */
export async function setClusterWorkingDays(tx: Tx, actor: Actor, clusterId: string, input: WorkingDaysInput): Promise<void> {
  const why = requireAdmin(actor);
  const cluster = await lockCluster(tx, actor.icsId, clusterId);
  const before = { triageWorkingDays: cluster.triage_working_days, adviceWorkingDays: cluster.advice_working_days };
  if (before.triageWorkingDays === input.triageWorkingDays && before.adviceWorkingDays === input.adviceWorkingDays) return;
  await store.setWorkingDays(tx, actor.icsId, clusterId, input);
  await recordAudit(tx, actor, {
    action: 'admin.cluster-working-days-changed',
    what: `Cluster ${cluster.name}: ${input.triageWorkingDays} working days to triage, ${input.adviceWorkingDays} to answer advice`,
    why,
    details: { clusterId, before, after: input },
  });
}

// ---- users

export async function userList(tx: Tx, actor: Actor, role: Role | undefined, page: number, words?: string) {
  requireAdmin(actor);
  const window = pageWindow(await store.countUsers(tx, { role, words }), page, USERS_PER_PAGE);
  const users = await store.listUsers(tx, { role, words }, window.size, window.offset);
  const checks = await openChecksByAccount(tx, actor.icsId, users.map((u) => u.id));
  return { window, users: users.map((u) => ({ ...u, check: checks.get(u.id) ?? null })) };
}

export async function userFormOptions(tx: Tx, actor: Actor) {
  requireAdmin(actor);
  return { organisations: await store.organisationOptions(tx) };
}

const userVersion = (u: store.UserRow) => fingerprint({ name: u.name, role: u.role, org: u.organisation_id, active: u.active, uid: u.nhsid_useruid });

export async function userForEdit(tx: Tx, actor: Actor, id: string) {
  requireAdmin(actor);
  const user = await store.user(tx, id);
  if (!user) throw new NotFoundError();
  const check = (await openChecksByAccount(tx, actor.icsId, [id])).get(id) ?? null;
  return { user, check, version: userVersion(user), organisations: await store.organisationOptions(tx) };
}

const emailTaken = () => new ValidationError({ email: 'A user with this email address already exists' });

/** `passwordHash` is hashed by the caller before the transaction: argon2 is slow and needs no database. */
/** The organisation a user form names, and whether the role fits it: field errors for the form. */
async function checkUserPlace(tx: Tx, role: Role, organisationId: string): Promise<Record<string, string>> {
  const organisation = await store.organisation(tx, organisationId);
  if (!organisation) return { organisationId: 'Select an organisation from the list' };
  if (!roleFits(role, organisation.kind)) return { organisationId: `${roleMisfitWords(role, organisation.kind)}. Choose a different organisation or role` };
  return {};
}

/**
 * One person's accounts at one organisation are told apart by the role they
 * choose at CIS2: linking this account is refused when one national role
 * there could confirm both its role and another linked account's, as
 * sign-in would then refuse both rather than pick.
 */
async function checkCis2Distinct(tx: Tx, id: string, input: EditUserInput): Promise<Record<string, string>> {
  if (!input.nhsidUseruid) return {};
  const organisation = await store.organisation(tx, input.organisationId);
  if (!organisation) return {};
  const mine = jobRolesConfirming(input.role, organisation.kind);
  const others = await store.cis2RolesAt(tx, input.nhsidUseruid, input.organisationId, id);
  const clash = others.find((r) => r !== input.role && jobRolesConfirming(r, organisation.kind).some((j) => mine.includes(j)));
  if (!clash) return {};
  return {
    nhsidUseruid: `This CIS2 user ID is also linked to a ${ROLES[clash]} account at ${organisation.name}, and one national role there confirms both that and ${ROLES[input.role]}, so the role chosen at CIS2 could not tell the two accounts apart. Link the ID to only one of them`,
  };
}

/**
 * A change that gives someone a checked role (CHECKED_ROLES: new, or moved,
 * or given back) needs a second person: duties.ts opens the check.
 */
async function checkSecondPerson(tx: Tx, actor: Actor, why: string, professionalId: string, role: Role, organisationId: string, change: 'added' | 'changed') {
  if (!CHECKED_ROLES.includes(role)) return;
  const organisation = await store.organisation(tx, organisationId);
  await openDutyCheck(tx, actor, why, { professionalId }, `Account ${change}: ${ROLES[role]} at ${organisation?.name ?? 'an organisation'}`);
}

export async function createUser(tx: Tx, actor: Actor, input: NewUserInput, passwordHash: string | null): Promise<string> {
  const why = requireAdmin(actor);
  const placeFields = await checkUserPlace(tx, input.role, input.organisationId);
  if (Object.keys(placeFields).length) throw new ValidationError(placeFields);
  const id = crypto.randomUUID();
  try {
    await enterSignInName(tx, actor.icsId, input.email);
    await store.insertUser(tx, actor.icsId, id, { ...input, passwordHash });
  } catch (e) {
    // An email signs in to one ICS (the sign-in directory's key), and another ICS's accounts are out of sight: only the key can tell.
    if (uniqueViolation(e) === SIGN_IN_NAME_TAKEN) throw emailTaken();
    throw e;
  }
  await recordAudit(tx, actor, {
    action: 'admin.user-created',
    what: `User account added: ${ROLES[input.role]}`,
    why,
    details: { professionalId: id, role: input.role, organisationId: input.organisationId, withPassword: passwordHash !== null },
  });
  await checkSecondPerson(tx, actor, why, id, input.role, input.organisationId, 'added');
  return id;
}

export async function updateUser(tx: Tx, actor: Actor, id: string, input: EditUserInput): Promise<void> {
  const why = requireAdmin(actor);
  const current = await store.user(tx, id, { lock: true });
  if (!current) throw new NotFoundError();
  checkVersion(input.version, userVersion(current), 'user');
  const fields: Record<string, string> = await checkUserPlace(tx, input.role, input.organisationId);
  // An administrator who locks themselves out may leave no one able to manage accounts.
  const active = adminPolicy.setAccountActive(actor, id, input.active);
  if (!active.allowed) fields.active = active.reason;
  const role = adminPolicy.setAccountRole(actor, id, input.role);
  if (!role.allowed) fields.role = role.reason;
  if (!fields.organisationId) Object.assign(fields, await checkCis2Distinct(tx, id, input));
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const before = { name: current.name, role: current.role, organisationId: current.organisation_id, active: current.active, nhsidUseruid: current.nhsid_useruid };
  const after = { name: input.name, role: input.role, organisationId: input.organisationId, active: input.active, nhsidUseruid: input.nhsidUseruid };
  const changed = changedKeys(before, after);
  if (changed.length === 0) return;
  try {
    await store.updateUser(tx, id, after);
  } catch (e) {
    // One person may have an account for each role at each organisation, all linked to their CIS2 identity;
    // the role they choose at CIS2 picks one, so two with the same role at the same organisation could not be told apart.
    if (uniqueViolation(e) === 'professional_cis2_account_idx') {
      throw new ValidationError({
        nhsidUseruid: `Another ${ROLES[input.role]} account at this organisation is already linked to this CIS2 user ID. One person may have an account for each role at each organisation, but not two with the same role at the same one`,
      });
    }
    throw e;
  }
  await recordAudit(tx, actor, {
    action: 'admin.user-updated',
    what: `User account changed: ${changed.join(', ')}`,
    why,
    details: {
      professionalId: id,
      changed,
      // Names stay out of details; the role, organisation and status are what reviewers need.
      before: { role: before.role, organisationId: before.organisationId, active: before.active, cis2Linked: before.nhsidUseruid !== null },
      after: { role: after.role, organisationId: after.organisationId, active: after.active, cis2Linked: after.nhsidUseruid !== null },
    },
  });
  const givesAccess = changed.includes('role') || changed.includes('organisationId') || (after.active && !before.active);
  if (givesAccess && after.active) await checkSecondPerson(tx, actor, why, id, input.role, input.organisationId, 'changed');
}

/** For the demo's stand-in CIS2: every active professional linked to a CIS2 identity (the caller holds the owner connection). */
export const cis2LinkedStaff = (tx: Tx) => store.cis2LinkedStaff(tx);

export type { Option, OrganisationRow, UserRow, Cis2LinkedStaff } from './store.js';
