import { getDataType, isPrimitiveType } from '@medplum/core';
import { loadDefinitions } from './src/fhir/validation.js';
loadDefinitions();
const skip = new Set(['ele-1','dom-3','org-1','sdf-19']);
const seen = new Set<string>();
const queue = ['Condition','AllergyIntolerance','MedicationRequest','MedicationStatement','Immunization','Procedure','Observation'];
for (const t of queue) console.log('ROOT', t, getDataType(t).constraints?.filter(c=>c.severity==='error'&&!skip.has(c.key)).map(c=>c.key).join(','));
const byKey = new Map<string, Set<string>>();
while (queue.length) {
  const t = queue.shift()!;
  if (seen.has(t)) continue; seen.add(t);
  const s = getDataType(t);
  for (const [k, e] of Object.entries(s.elements)) {
    for (const c of e.constraints ?? []) if (c.severity==='error' && !skip.has(c.key)) { if (!byKey.has(c.key)) byKey.set(c.key, new Set()); byKey.get(c.key)!.add(`${t}.${k}`); if (byKey.get(c.key)!.size===1) console.log(c.key, c.expression); }
    for (const ty of e.type) if (!isPrimitiveType(ty.code) && ty.code!=='Element' && ty.code!=='BackboneElement') queue.push(ty.code);
  }
}
for (const [k,v] of byKey) console.log(k, [...v].slice(0,8).join(' '), v.size);
