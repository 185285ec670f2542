import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from './platform/http/app.js';
import { authRoutes } from './platform/auth/routes.js';
import { nhsSignInRoutes } from './platform/auth/oidc/routes.js';
import { homeRoutes } from './home/routes.js';
import { caseloadRoutes, childRoutes, consentRoutes } from './children/routes.js';
import { dutyReviewRoutes, privacyRoutes } from './privacy/routes.js';
import { adminRoutes } from './admin/routes.js';
import { fhirRoutes } from './fhir/routes.js';
import { recordRoutes } from './record/routes.js';
import { worklistRoutes } from './worklist/routes.js';
import { carePlanRoutes } from './careplans/routes.js';
import { taskRoutes } from './tasks/routes.js';
import { mdtRoutes } from './mdt/routes.js';
import { referralRoutes } from './referrals/routes.js';
import { clinicRoutes } from './clinics/routes.js';
import { feedbackRoutes } from './feedback/routes.js';
import { activityRoutes } from './activity/routes.js';
import { letterTemplateRoutes } from './letters/routes.js';
import { populationRoutes } from './population/routes.js';
import { safetyRoutes } from './safety/routes.js';
import { adviceRoutes } from './advice/routes.js';
import { virtualWardRoutes, wardAdminRoutes } from './ambulatory/routes.js';
import { familyRoutesModule } from './family/routes.js';
import { modelsRoutes } from './models/routes.js';
import { registerChildAccess } from './relationships.js';
import { findKeyWorkersWith, glanceAtFamilyAccessWith, readRecordWith } from './children/service.js';
import { familyAccessGlance } from './family/service.js';
import { keyWorkerOf } from './careplans/service.js';
import { recordPolicy, visibleToSql } from './record/service.js';
import { offerMdtFeedbackWith } from './mdt/service.js';
import { feedbackLetterLines, offerFeedback } from './feedback/service.js';
import { sendAdviceWith } from './mdt/service.js';
import { choosesPages, familyLinkOf, maySendAdvice, offersFor, sendAdvice } from './advice/service.js';

// Care plans and the record stand on children, so children cannot import them: they learn here who a key worker
// is (the care team) and what the record lets a viewer see (the access log).
findKeyWorkersWith(keyWorkerOf);
readRecordWith({ visibleToSql, mayFreeze: (viewer, relationships) => recordPolicy.freezeRecord(viewer, relationships).allowed });
// Family access stands on children: the child summary learns here who has access online.
glanceAtFamilyAccessWith(familyAccessGlance);
// Feedback reads the MDT's figures, so the MDT learns here how to put the family's feedback link on its outcome letter.
offerMdtFeedbackWith(async (tx, access, event, origin) => {
  const token = await offerFeedback(tx, access, event);
  return token ? feedbackLetterLines(origin, token) : [];
});
// The population brings children to MDTs and advice figures stand on the population: MDT outcomes send advice through the advice service, handed over here.
sendAdviceWith({ maySendAdvice, offersFor, choosesPages, sendAdvice, familyLinkOf });

/** Joinery: the platform with every capability's routes. */
export function buildJoinery(deps: AppDeps): Promise<FastifyInstance> {
  registerChildAccess();
  return buildApp(deps, [authRoutes, nhsSignInRoutes, homeRoutes, childRoutes, caseloadRoutes, consentRoutes, privacyRoutes, dutyReviewRoutes, adminRoutes, recordRoutes, worklistRoutes, carePlanRoutes, taskRoutes, mdtRoutes, referralRoutes, clinicRoutes, activityRoutes, letterTemplateRoutes, populationRoutes, feedbackRoutes, safetyRoutes, virtualWardRoutes, wardAdminRoutes, adviceRoutes, fhirRoutes,
    familyRoutesModule, modelsRoutes]);
}
