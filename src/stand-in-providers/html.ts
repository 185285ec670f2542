// Plain server-rendered NHS.UK pages for the stand-ins: no JavaScript, every value escaped.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Marks HTML as already built (escaped) so it can be nested without double escaping. */
export type Html = { readonly html: string };
export const raw = (html: string): Html => ({ html });
export const join = (parts: Html[]): Html => raw(parts.map((p) => p.html).join(''));

export type FieldError = { field: string; message: string };

export const STYLESHEET_PATH = '/assets/nhsuk-frontend.min.css';

export function page(options: { serviceName: string; title: string; errors?: FieldError[]; body: Html }): string {
  const errors = options.errors ?? [];
  const summary = errors.length
    ? `<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
  <h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
  <div class="nhsuk-error-summary__body"><ul class="nhsuk-list nhsuk-error-summary__list">${errors
    .map((e) => `<li><a href="#${esc(e.field)}">${esc(e.message)}</a></li>`)
    .join('')}</ul></div>
</div>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${errors.length ? 'Error: ' : ''}${esc(options.title)} – ${esc(options.serviceName)} (stand-in)</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="nhsuk-header" role="banner">
  <div class="nhsuk-header__container nhsuk-width-container">
    <div class="nhsuk-header__service"><span class="nhsuk-header__service-name">${esc(options.serviceName)}</span></div>
  </div>
</header>
<div class="nhsuk-width-container">
  <div class="nhsuk-warning-callout nhsuk-u-margin-top-4">
    <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Stand-in service</span></h2>
    <p>Stand-in for ${esc(options.serviceName)} — demo only, not the real service.</p>
  </div>
  <main class="nhsuk-main-wrapper" id="maincontent" role="main">
    <div class="nhsuk-grid-row"><div class="nhsuk-grid-column-two-thirds">
${summary}
${options.body.html}
    </div></div>
  </main>
</div>
</body>
</html>`;
}

export type Choice = { value: string; label: string; hint?: string };

/** A radios question in a fieldset whose legend is the page heading. */
export function radios(options: { name: string; legend: string; hint?: string; choices: Choice[]; error?: string; selected?: string }): Html {
  const { name, error } = options;
  const hintId = `${name}-hint`;
  const errorId = `${name}-error`;
  const describedBy = [options.hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  const items = options.choices
    .map((c, i) => {
      const id = i === 0 ? name : `${name}-${i + 1}`;
      const itemHint = c.hint ? `<div class="nhsuk-hint nhsuk-radios__hint" id="${id}-item-hint">${esc(c.hint)}</div>` : '';
      return `<div class="nhsuk-radios__item">
  <input class="nhsuk-radios__input" id="${id}" name="${esc(name)}" type="radio" value="${esc(c.value)}"${c.value === options.selected ? ' checked' : ''}${c.hint ? ` aria-describedby="${id}-item-hint"` : ''}>
  <label class="nhsuk-label nhsuk-radios__label" for="${id}">${esc(c.label)}</label>${itemHint}
</div>`;
    })
    .join('');
  return raw(`<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
<fieldset class="nhsuk-fieldset"${describedBy ? ` aria-describedby="${describedBy}"` : ''}>
  <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">${esc(options.legend)}</legend>
  ${options.hint ? `<div class="nhsuk-hint" id="${hintId}">${esc(options.hint)}</div>` : ''}
  ${error ? `<span class="nhsuk-error-message" id="${errorId}"><span class="nhsuk-u-visually-hidden">Error:</span> ${esc(error)}</span>` : ''}
  <div class="nhsuk-radios">${items}</div>
</fieldset>
</div>`);
}

/** A labelled select with option groups (many demo people fit better in a select than in radios). */
export function groupedSelect(options: { name: string; label: string; hint?: string; groups: { label: string; choices: Choice[] }[]; error?: string; selected?: string }): Html {
  const { name, error } = options;
  const describedBy = [options.hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
  const groups = options.groups
    .map(
      (g) =>
        `<optgroup label="${esc(g.label)}">${g.choices
          .map((c) => `<option value="${esc(c.value)}"${c.value === options.selected ? ' selected' : ''}>${esc(c.label)}</option>`)
          .join('')}</optgroup>`,
    )
    .join('');
  return raw(`<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
  <label class="nhsuk-label nhsuk-label--m" for="${esc(name)}">${esc(options.label)}</label>
  ${options.hint ? `<div class="nhsuk-hint" id="${name}-hint">${esc(options.hint)}</div>` : ''}
  ${error ? `<span class="nhsuk-error-message" id="${name}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${esc(error)}</span>` : ''}
  <select class="nhsuk-select${error ? ' nhsuk-select--error' : ''}" id="${esc(name)}" name="${esc(name)}"${describedBy ? ` aria-describedby="${describedBy}"` : ''}>
    <option value="">Choose a person</option>${groups}
  </select>
</div>`);
}

export function form(action: string, fields: Html, hidden: Record<string, string> = {}, button = 'Continue'): Html {
  const hiddenInputs = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return raw(`<form method="post" action="${esc(action)}" novalidate>${hiddenInputs}${fields.html}
<button class="nhsuk-button" type="submit" data-module="nhsuk-button">${esc(button)}</button>
</form>`);
}
