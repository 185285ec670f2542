// The layering rules of docs/architecture.md, checked by `npm run deps` (part of `npm test`).
// Layers: platform at the bottom, capabilities (each folder directly under src/ other than
// platform and cli) in the middle, composition roots (src/app.ts, src/main.ts, src/cli/,
// src/relationships.ts) on top. Tests and their helpers stand outside the rules.

// Files that exist only for tests: they may import anything, and nothing in src may import them.
const TEST_ONLY = [
  '\\.test\\.ts$',
  '^(test|e2e|bench)/',
  '^src/.*test-(fixtures|setup|sign-in)\\.ts$',
];

// A capability's public face: what another capability may import.
const PUBLIC_FACE = '^src/[^/]+/(service|index)\\.ts$';
const SCHEMA = ['^src/[^/]+/schema\\.ts$', '^src/[^/]+/.*/schema\\.ts$'];
// store.ts or a named store such as bulk-store.ts
const STORE = '(/|-)store\\.ts$';

const ROOTS = ['^src/(app|main|relationships)\\.ts$', '^src/cli/'];
const NOT_A_CAPABILITY = '^src/(platform|cli)/';

export default {
  forbidden: [
    {
      name: 'capability-public-face',
      severity: 'error',
      comment:
        'A capability uses another only through its service.ts (or index.ts of types and code lists). ' +
        'Add what you need to that service, delegating to its own store.',
      from: {
        path: '^src/([^/]+)/',
        pathNot: [NOT_A_CAPABILITY, '^src/synth/', ...SCHEMA, ...TEST_ONLY],
      },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', NOT_A_CAPABILITY, PUBLIC_FACE, ...TEST_ONLY] },
    },
    {
      name: 'schema-foreign-keys',
      severity: 'error',
      comment: "A capability's schema.ts may import another's schema.ts (for a foreign key) or public face, nothing else.",
      from: { path: ['^src/([^/]+)/schema\\.ts$', '^src/([^/]+)/.*/schema\\.ts$'], pathNot: [NOT_A_CAPABILITY, '^src/synth/'] },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', NOT_A_CAPABILITY, PUBLIC_FACE, ...SCHEMA] },
    },
    {
      name: 'generator-writes-tables',
      severity: 'error',
      comment: "The generator (src/synth) may import any capability's public face, schema and store, nothing else.",
      from: { path: '^src/synth/', pathNot: TEST_ONLY },
      to: {
        path: '^src/[^/]+/',
        pathNot: ['^src/synth/', NOT_A_CAPABILITY, PUBLIC_FACE, ...SCHEMA, STORE, ...TEST_ONLY],
      },
    },
    {
      name: 'roots-use-public-faces',
      severity: 'error',
      comment:
        "A composition root imports a capability's public face, its routes registration (routes.ts) " +
        'and the relationship it supplies to the door (relationship.ts) only.',
      from: { path: ROOTS, pathNot: TEST_ONLY },
      to: {
        path: '^src/[^/]+/',
        pathNot: [NOT_A_CAPABILITY, PUBLIC_FACE, '^src/[^/]+/(routes|relationship)\\.ts$', ...TEST_ONLY],
      },
    },
    {
      name: 'routes-not-to-store',
      severity: 'error',
      comment: 'Routes call a service; only the service talks to a store (its own capability included).',
      from: { path: '(^|/)[^/]*routes\\.ts$', pathNot: TEST_ONLY },
      to: { path: STORE },
    },
    {
      name: 'platform-not-to-capability',
      severity: 'error',
      comment: 'platform is the floor: it imports no capability and no composition root.',
      from: { path: '^src/platform/', pathNot: TEST_ONLY },
      to: { path: '^src/', pathNot: ['^src/platform/', ...TEST_ONLY] },
    },
    {
      name: 'no-cycle-between-capabilities',
      severity: 'error',
      comment: 'A cycle that leaves a capability and comes back: one of the two should not know about the other.',
      from: { path: '^src/([^/]+)/', pathNot: TEST_ONLY },
      to: { circular: true, via: { pathNot: '^src/$1/' } },
    },
    {
      name: 'no-cycle-within-capability',
      severity: 'error',
      comment: 'A cycle inside one folder: move the shared bit into a file both import.',
      from: { path: '^src/([^/]+)/', pathNot: TEST_ONLY },
      to: { circular: true, viaOnly: { path: '^src/$1/' } },
    },
    {
      name: 'src-not-to-tests',
      severity: 'error',
      comment: 'Application code never imports a test or a test helper.',
      from: { path: '^src/', pathNot: TEST_ONLY },
      to: { path: TEST_ONLY },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|test|e2e|bench)/',
    // Type-only imports count: a type is part of what a capability shows the others.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
