/**
 * Safety-netting advice (issue 18): the ICS's library of condition pages, and
 * the advice sent to families. Other capabilities (triage, the family pages)
 * use it through here.
 */
export {
  requireEditor, pageIdParam, overview, pageWithHistory, versionOf, savePage, approvePage, setTarget, exportLibrary, importLibrary,
  parseLibrary, loadStarterLibrary, LibraryFileError, STATUS_WORDS, statusOf, pageText, asPage, type ImportSummary, type PageStatus,
} from './library.js';
export {
  sendAdvice, issueLink, sentForFhir, adviceSentTo, childAdvice, offersFor, choosesPages, choiceOf, maySendAdvice, feedbackTokenOf, familyLinkOf, SENT_FROM_WORDS, LINK_DAYS, type FamilyLink, type Offer, type Sent, type SendInput, type SentFrom,
} from './sending.js';
export { openLink, answerHelpful, sendingAsFamilyReadsIt, familyAnswersHelpful, type FamilyView, type FamilyPage, type LinkAnswer } from './family-link.js';
export { readability } from './reading-age.js';
export { ACTIONS, ACTION_WORDS, bandWords, ageInMonths, type AdvicePage, type AgeBand, type Library } from './page-format.js';
export type { SentRow, SentForFhirRow } from './store.js';
export { adviceFigures } from './figures.js';
export { familyAdvicePdf } from './family-pdf.js';
