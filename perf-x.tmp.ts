import { richRecord } from './src/fhir/rich-fixtures.js';
import { structureIssues, loadDefinitions } from './src/fhir/validation.js';
import { surelyConforms, COMPILED_TYPES } from './src/fhir/entry-structure.js';
loadDefinitions();
const b = richRecord({ tag: 'x', nhsNumber: '9990000018', practiceOds: 'A1', localAuthorityOds: 'B1', schoolUrn: '100000' });
for (const e of b.entry ?? []) { const r = e.resource!; if (!COMPILED_TYPES.has(r.resourceType)) continue; console.log(r.resourceType, surelyConforms(r), structureIssues(r).length, Object.keys(r).join(',')); }
