// What the command line and the administrator's pages use of FHIR: clients, and importing bundles and NDJSON.
export { listClients, revokeClient, rotateClientSecret } from './client-admin.js';
export { addClient, checkNewClient, clientActor, commandLineClient, parseScopes } from './clients.js';
export { processBundle } from './bundle.js';
export { Importer, type Imported, type Where } from './import.js';
export { ENTRY_TYPES } from './entry-codecs.js';
export { importEntries } from './import-entries.js';
export { asFhirError, FhirError, type Issue } from './outcome.js';
export { importRank } from './registry.js';
export { StructureCheckers } from './structure-checkers.js';
export { surelyConformingEntry } from './validation.js';
export { bulkExportJob } from './bulk-export.js';
export { containReferredMedication } from './medication-entries.js';
