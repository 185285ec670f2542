/* global document, MutationObserver */
// Starts NHS.UK frontend's components (conditional questions, show password, the header's "More" menu) once the
// page is parsed. A file of its own, not an inline script, so the Content-Security-Policy can forbid inline scripts.
// Only browsers that run modules get here: they are the ones nhsuk-frontend supports, and the body classes are
// what its CSS and initAll() look for before anything starts.
import { initAll } from './nhsuk-frontend.min.js';

// nhsuk-frontend marks a radio that reveals a question with aria-expanded, which ARIA does not allow on a radio
// (screen readers may announce it wrongly; axe fails it). The revealed question follows the radio, so it can go.
new MutationObserver((changes) => {
  for (const { target } of changes) if (target.type === 'radio') target.removeAttribute('aria-expanded');
}).observe(document.body, { subtree: true, attributeFilter: ['aria-expanded'] });

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();
