import { describe, expect, it } from 'vitest';
import { createViews } from '../platform/http/views.js';

/**
 * The record's tables and form fields are written out in macros.njk rather
 * than through nhsuk-frontend's component macros (which took nearly all of
 * the record page's render time). They must stay the components' markup:
 * each is rendered both ways and compared, whitespace aside.
 */

const views = createViews();
const render = (template: string, context: Record<string, unknown> = {}) => views.renderString(template, context);
/** Markup without the whitespace the components leave between and inside tags. */
const markup = (html: string) => html.replace(/\s+/g, ' ').replace(/\s*([<>])\s*/g, '$1').trim();
const MACROS = '{% from "record/views/macros.njk" import entryTable, contactTable, dateBoxes, smallCheckboxes, responsiveTable, statusTag, keyValueList %}';

describe('the record’s hand-written markup is nhsuk-frontend’s', () => {
  it.each([
    ['empty', { day: '', month: '', year: '' }, undefined],
    ['filled, with an error', { day: '31', month: '2', year: '2025' }, 'The from date must be a real date'],
    ['with characters to escape', { day: '"><script>', month: '&', year: '' }, 'Bad <b>date</b>'],
  ])('date boxes: %s', (_name, v, error) => {
    const ours = render(`${MACROS}{{ dateBoxes("from", "From (optional)", "For example, 27 3 2025", v, error) }}`, { v, error });
    const theirs = render(`{% from "nhsuk/components/date-input/macro.njk" import dateInput %}
      {% set errorClass = " nhsuk-input--error" if error else "" %}
      {{ dateInput({
        id: "from", fieldset: { legend: { text: "From (optional)", size: "s" } }, hint: { text: "For example, 27 3 2025" },
        errorMessage: { text: error } if error,
        items: [
          { id: "from-day", name: "from-day", label: "Day", width: 2, classes: errorClass | trim, value: v.day },
          { id: "from-month", name: "from-month", label: "Month", width: 2, classes: errorClass | trim, value: v.month },
          { id: "from-year", name: "from-year", label: "Year", width: 4, classes: errorClass | trim, value: v.year }
        ]
      }) }}`, { v, error });
    expect(markup(ours)).toBe(markup(theirs));
    expect(ours).not.toContain('<script>');
  });

  it.each([['without an error', undefined], ['with an error', 'Select types of contact from the list']])('small checkboxes: %s', (_name, error) => {
    const items = [{ value: 'ed', text: 'Emergency department', checked: false }, { value: 'gp', text: 'GP & <practice>', checked: true }, { value: 'x', text: 'X', checked: false }];
    const ours = render(`${MACROS}{{ smallCheckboxes("type", "type", "Type of contact", "Select none to see every type", items, error) }}`, { items, error });
    const theirs = render(`{% from "nhsuk/components/checkboxes/macro.njk" import checkboxes %}{{ checkboxes({
      idPrefix: "type", name: "type", classes: "nhsuk-checkboxes--small",
      fieldset: { legend: { text: "Type of contact", size: "s" } }, hint: { text: "Select none to see every type" },
      errorMessage: { text: error } if error, items: items }) }}`, { items, error });
    expect(markup(ours)).toBe(markup(theirs));
  });

  it('a responsive table with text and html cells', () => {
    const head = [{ text: 'Vaccine' }, { text: 'Status' }, { html: '<span class="nhsuk-u-visually-hidden">Actions</span>' }];
    const rows = [[{ text: 'MMR <1>' }, { html: '<strong class="nhsuk-tag">Given</strong>' }, { text: 'x' }], [{ text: 'DTaP' }, { text: '' }, { html: '<a href="#">y</a>' }]];
    const ours = render(`${MACROS}{{ responsiveTable("Schedule & more", head, rows) }}`, { head, rows });
    const theirs = render(`{% from "nhsuk/components/tables/macro.njk" import table %}{{ table({ caption: "Schedule & more", captionSize: "s", responsive: true, head: head, rows: rows }) }}`, { head, rows });
    expect(markup(ours)).toBe(markup(theirs));
  });

  it.each([
    ['text and html values, with characters to escape', [
      { key: { text: 'NHS number' }, value: { text: '999 000 0001' } },
      { key: { text: 'Consent <health>' }, value: { text: 'Given on 1 May 2024 by "Mum" & Dad' } },
      { key: { text: 'Care plan' }, value: { html: '<a href="/children/c1/care-plan">Open</a>' } },
    ]],
    ['no rows', []],
  ])('a key-value list (the child summary’s demographics and consent): %s', (_name, rows) => {
    const ours = render(`${MACROS}{{ keyValueList(rows) }}`, { rows });
    const theirs = render('{% from "nhsuk/components/summary-list/macro.njk" import summaryList %}{{ summaryList({ rows: rows }) }}', { rows });
    expect(markup(ours)).toBe(markup(theirs));
  });

  it('tables of entries and of contacts, as the component made them', () => {
    const entries = [
      { id: 'e1', display: 'Allergy to <peanut>', lines: ['Reaction: Hives', 'Severity: Severe'], startedOn: '2020-05-01', endedOn: null,
        status: { text: 'Active', classes: 'nhsuk-tag--green' }, sensitive: 'Sexual health', recordedBy: 'Dr A', organisation: 'Practice', recordedAt: '2024-01-31T09:55:00Z' },
      { id: 'e2', display: 'Old entry', lines: [], startedOn: null, endedOn: '2021-01-01',
        status: { text: 'Resolved', classes: '' }, sensitive: null, recordedBy: null, organisation: null, recordedAt: '2024-01-31T09:55:00Z' },
    ];
    const contacts = [
      { type: 'Emergency department', startedAt: '2026-11-20T21:30:00Z', endedAt: '2026-11-20T23:00:00Z', organisation: 'Hospital', reason: 'Scald', emergency: true, sensitive: 'Mental health' },
      { type: 'GP appointment', startedAt: '2026-11-21T09:00:00Z', endedAt: null, organisation: null, reason: null, emergency: null, sensitive: null },
    ];
    for (const canEdit of [true, false]) {
      const ours = render(`${MACROS}{{ entryTable("Current allergies", entries, "c1", canEdit, "Since") }}{{ contactTable("Contacts", contacts) }}`, { entries, contacts, canEdit });
      // What macros.njk did before, through nhsuk-frontend's table and tag.
      const theirs = render(`{% from "nhsuk/components/tables/macro.njk" import table %}{% from "nhsuk/components/tag/macro.njk" import tag %}
        {% from "record/views/macros.njk" import entryDates %}
        {% set rows = [] %}
        {% for e in entries %}
          {% set what %}<strong>{{ e.display }}</strong>{%- for line in e.lines %}<br><span class="nhsuk-u-font-size-16">{{ line }}</span>{% endfor %}{% endset %}
          {% set status %}{{ tag({ text: e.status.text, classes: e.status.classes }) }}{%- if e.sensitive %}<br>{{ tag({ text: "Sensitive: " ~ e.sensitive, classes: "nhsuk-tag--purple" }) }}{% endif %}{% endset %}
          {% set recorded %}{{ e.recordedBy or "Not recorded" }}{% if e.organisation %}, {{ e.organisation }}{% endif %}<br><span class="nhsuk-u-font-size-16">{{ e.recordedAt | dateTime }}</span>{% endset %}
          {% set actions %}<a href="/children/c1/record/entries/{{ e.id }}">History<span class="nhsuk-u-visually-hidden"> of {{ e.display }}</span></a>
            {%- if canEdit %}<br><a href="/children/c1/record/entries/{{ e.id }}/edit">Change<span class="nhsuk-u-visually-hidden"> {{ e.display }}</span></a>{% endif %}{% endset %}
          {% set rows = (rows.push([{ html: what }, { text: entryDates(e) }, { html: status }, { html: recorded }, { html: actions }]), rows) %}
        {% endfor %}
        {{ table({ caption: "Current allergies", captionSize: "s", responsive: true,
          head: [ { text: "Entry" }, { text: "Since" }, { text: "Status" }, { text: "Recorded by" }, { html: '<span class="nhsuk-u-visually-hidden">Actions</span>' } ], rows: rows }) }}
        {% set contactRows = [] %}
        {% for c in contacts %}
          {% set kind %}{{ c.type }}{%- if c.emergency %}<br>{{ tag({ text: "Emergency", classes: "nhsuk-tag--red" }) }}{% endif %}{%- if c.sensitive %}<br>{{ tag({ text: "Sensitive: " ~ c.sensitive, classes: "nhsuk-tag--purple" }) }}{% endif %}{% endset %}
          {% set contactRows = (contactRows.push([{ text: (c.startedAt | dateTime) ~ ((" to " ~ (c.endedAt | dateTime)) if c.endedAt else "") }, { html: kind },
            { text: c.organisation or "Not recorded" }, { text: c.reason or "Not recorded" }]), contactRows) %}
        {% endfor %}
        {{ table({ caption: "Contacts", captionSize: "s", responsive: true, head: [ { text: "When" }, { text: "Type" }, { text: "Where" }, { text: "Reason" } ], rows: contactRows }) }}`,
      { entries, contacts, canEdit });
      expect(markup(ours)).toBe(markup(theirs));
      expect(ours).toContain('Allergy to &lt;peanut&gt;');
    }
  });
});
