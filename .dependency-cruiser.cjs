// dependency-cruiser: the import rules between the workspace's packages. `pnpm lint` runs
// `depcruise` over every package's src/ (see the lint:deps script); docs/architecture.md ("Allowed imports") says the same in prose.
//
// The allowed directions (an arrow is "may import"):
//   apps/<app>          -> packages/*            (never another app)
//   packages/store      -> schemas, core, contracts, bullmq, ioredis, prom-client
//   packages/cli        -> schemas, core, contracts
//   packages/telemetry  -> @opentelemetry/*                            (tracing; the SDK loaded only when enabled)
//   packages/core       -> schemas, contracts, zod, node:crypto        (pure: no I/O package)
//   packages/schemas    -> contracts, zod, node:crypto                 (pure: no I/O package)
//   packages/contracts  -> zod                                         (nothing else)
//   packages/handlers   -> nothing                                     (published alone: no dependency)
//   packages/*          -> never apps/*
//   tests/*, bench      -> anything (they drive the whole system)
// and nowhere an import cycle. Tests and *.test-helpers.ts files of schemas and core may read fixtures from disk.

/** Packages (and Node built-ins) that do I/O: pure packages import none of them. */
const IO_MODULES = [
  // Node built-ins that reach the disk, the network or other processes (with or without the node: prefix).
  '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dgram|dns|child_process|cluster|worker_threads|readline)$',
  // Redis, HTTP servers, logging, metrics, databases.
  'node_modules/(express|ioredis|bullmq|pino|prom-client|pg|redis|undici|@bull-board/[^/]+)/',
  '^(express|ioredis|bullmq|pino|prom-client|pg|redis|undici)$',
  // The workspace's own I/O packages, whether resolved to their folder or left as a bare name.
  '^packages/(store|cli|test-support|telemetry)/',
  '^@ripio-webhooks/(store|cli|test-support|telemetry)$',
];
const APPS = '^(apps/|@ripio-webhooks/(admin|receiver|worker)$)';
const TEST_FILES = '\\.test(-d)?\\.ts$|\\.test-helpers\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle: modules that need each other belong in one module, or one of them passes a value in.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'apps-not-to-other-apps',
      severity: 'error',
      comment: 'Apps share code through packages/*, never by importing one another.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: APPS, pathNot: '^apps/$1/' },
    },
    {
      name: 'packages-not-to-apps',
      severity: 'error',
      comment: 'Packages sit below the apps: an app may import a package, never the other way round.',
      from: { path: '^packages/' },
      to: { path: APPS },
    },
    {
      name: 'pure-packages-no-io',
      severity: 'error',
      comment: 'schemas and core are pure (parsing, rules, signatures): I/O belongs in store or in the apps.',
      from: { path: '^packages/(schemas|core)/src/', pathNot: TEST_FILES },
      to: { path: IO_MODULES },
    },
    {
      name: 'contracts-only-zod',
      severity: 'error',
      comment: 'contracts holds the shared shapes (zod schemas and enums) and imports zod alone.',
      from: { path: '^packages/contracts/src/', pathNot: TEST_FILES },
      to: {
        pathNot: ['^packages/contracts/', 'node_modules/zod/', '^zod(/|$)'],
      },
    },
    {
      name: 'handlers-self-contained',
      severity: 'error',
      comment:
        'handlers is the published handler API, installed from its tarball alone: its code imports only itself.',
      from: { path: '^packages/handlers/src/', pathNot: TEST_FILES },
      to: { pathNot: '^packages/handlers/src/' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'Shipped code never imports test-only modules (test-support, vitest, test helpers).',
      from: { path: '^(apps|packages)/[^/]+/src/', pathNot: `${TEST_FILES}|^packages/test-support/` },
      to: {
        path: [
          '^packages/test-support/',
          '^@ripio-webhooks/test-support',
          'node_modules/vitest/',
          '^vitest(/|$)',
          TEST_FILES,
        ],
      },
    },
  ],
  options: {
    // Sources only; a workspace package imported by name resolves to its dist/ (when built), kept as a leaf so
    // the rules above still see the edge.
    doNotFollow: { path: ['node_modules', '(^|/)dist/'] },
    // Type-only imports count: a pure package must not depend on ioredis' types either.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'node', 'default'],
      extensions: ['.ts', '.mjs', '.js', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
