// The folder view of docs/architecture.md's rule "no cycle between capabilities", checked by
// `npm run deps` after .dependency-cruiser.mjs. Each folder directly under src/ is a capability;
// a cycle of folders (children → record → children) is one even when no single file cycles.
// Tests are left out: a test may import any capability it needs to set the scene.
import modules from './.dependency-cruiser.mjs';

export default {
  forbidden: [
    {
      name: 'no-cycle-between-capability-folders',
      severity: 'error',
      comment: 'Capabilities import each other one way only: invert the lower one with a hook set at the root, or move the shared bit down.',
      scope: 'folder',
      from: { path: '^src/[^/]+$', pathNot: '^src/(platform|cli)$' },
      to: { circular: true },
    },
  ],
  options: {
    ...modules.options,
    exclude: { path: ['\\.test\\.ts$', '^(test|e2e|bench)/', '^src/.*test-(fixtures|setup|sign-in)\\.ts$'] },
  },
};
