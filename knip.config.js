// knip: unused files, exports and dependencies. `pnpm lint:unused` runs it twice:
//   knip               every file, tests included as entry points;
//   knip --production  only the code that ships (the patterns ending in "!"), so an export that only tests use
//                      is reported too.
// Package sources map to their dist/ through tsconfig.build.json, hence `--tsConfig tsconfig.build.json`.
// vitest test files and vitest.config.ts come from knip's vitest plugin; package.json `exports` and `bin` are entry
// points of their package (with includeEntryExports, an index.ts export that nothing imports is reported).

/** Workspaces that only tests use: left out of the production run (the full run still checks them). */
const TEST_ONLY_WORKSPACES = ['packages/test-support', 'tests/e2e', 'tests/deploy'];

/**
 * Deliberate public API whose only consumers are tests, exempt from the production run only: the CLI's library
 * surface (src/index.ts), i.e. the simulator the e2e suite drives and `runCli` for the admin's tests.
 */
const PUBLIC_API_FOR_TESTS = {
  'packages/cli/src/index.ts': ['exports', 'types'],
  'packages/cli/src/simulate/send.ts': ['types'],
};

/**
 * TEMPORARY, remove entry by entry: findings in files that are being restructured (the worker's steps, the
 * receiver's intake, contracts). Each comment names what knip reports there; "(tests only)" marks an export that
 * only tests import. Delete the entry when its file lands, and fix what knip then reports.
 */
const PENDING_RESTRUCTURE = {
  // MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT, MAX_BULK_REPLAY, DEFAULT_BULK_REPLAY
  'apps/admin/src/api.ts': ['exports'],
  // credentialOf, Credential, isValidSessionCookieValue (tests only), readCookie (tests only)
  'apps/admin/src/auth.ts': ['exports', 'types'],
  // AdminEnv
  'apps/admin/src/env.ts': ['exports'],
  // createAdminApp, apiRouter, HttpError, MAX_LIST_LIMIT, MAX_BULK_REPLAY, constantTimeEqual, issueSessionCookieValue, isValidSessionCookieValue, requireAuth, SESSION_COOKIE, bullBoardRouter, QUEUES_PATH, AdminEnv, loadEnv, createAdminMetrics, entityOfEventKey, openAdminStores, AdminAppOptions, AdminStores, AdminMetrics, OpenedStores
  'apps/admin/src/index.ts': ['exports', 'types'],
  // ReplayMetricResult
  'apps/admin/src/metrics.ts': ['types'],
  // entityOfEventKey (tests only)
  'apps/admin/src/stores.ts': ['exports'],
  // ReceiverConfig, WEBHOOK_PATH (tests only)
  'apps/receiver/src/app.ts': ['exports', 'types'],
  // MAX_BATCH (tests only), ReadyJob (tests only)
  'apps/receiver/src/enqueue.ts': ['exports', 'types'],
  // createReceiverApp, WEBHOOK_PATH, createQueueIntake, loadEnv, ReceiverEnv, ingest, createReceiverMetrics, INTAKE_OUTCOMES, startReceiver, ReceiverConfig, ReceiverDeps, EnqueueResult, EventIntake, ReadyJob, EnvResult, IngestConfig, IngestDecision, IngestRequest, IntakeOutcome, ReceiverMetrics, RunningReceiver, StartOptions
  'apps/receiver/src/index.ts': ['exports', 'types'],
  // BadRequestReason
  'apps/receiver/src/ingest.ts': ['types'],
  // INTAKE_OUTCOMES, SIGNATURE_FAILURE_REASONS, ENQUEUE_ERROR_REASONS
  'apps/receiver/src/metrics.ts': ['exports'],
  // wireReceiver (tests only), WiredReceiver (tests only)
  'apps/receiver/src/receiver.ts': ['exports', 'types'],
  // backoffStrategy (tests only)
  'apps/worker/src/event-worker.ts': ['exports'],
  // HandledOutcome, defineHandlers (tests only)
  'apps/worker/src/handlers/define-handlers.ts': ['exports', 'types'],
  // forwardSignature, isRetryableStatus, ForwardFailedError, FORWARD_SIGNATURE_HEADER (tests only), FORWARD_EVENT_KEY_HEADER (tests only), ForwardBody (tests only)
  'apps/worker/src/handlers/forwarder.ts': ['exports', 'types'],
  // handlersModuleUrl (tests only), validateHandlerMap (tests only)
  'apps/worker/src/handlers/load-handlers.ts': ['exports'],
  // FORWARD_HANDLER (tests only)
  'apps/worker/src/handlers/run-handlers.ts': ['exports'],
  // defineHandlers, UnrecoverableEventError, FORWARD_EVENT_KEY_HEADER, FORWARD_SIGNATURE_HEADER, forwardSignature, EventHandler, HandledOutcome, HandlerContext, HandlerMap, ForwardBody
  'apps/worker/src/index.ts': ['exports', 'types'],
  // LOCK_TTL_MARGIN_MS, ProcessorSettings
  'apps/worker/src/process-event.ts': ['exports', 'types'],
  // FAILED_SWEEP_INTERVAL_MS, FORCED_CLOSE_STEP_MS
  'apps/worker/src/worker-service.ts': ['exports'],
  // statusOfEvent (tests only)
  'packages/core/src/flows/flows.ts': ['exports'],
  // MACHINES, machineOf (tests only), isTerminal (tests only)
  'packages/core/src/machines/machines.ts': ['exports'],
  // LOG_LEVELS
  'packages/core/src/settings/env-fields.ts': ['exports'],
  // SettingsIssue
  'packages/core/src/settings/parse-settings.ts': ['types'],
  // SIGNATURE_HEADERS, readSignatureHeader
  'packages/core/src/signature/verify-ripio-signature.ts': ['exports'],
  // KindOf, ALIASES (tests only), statusOfEventType (tests only), CATALOG (tests only), KNOWN_WIRE_NAMES (tests only), statusesOfKind (tests only)
  'packages/schemas/src/catalog.ts': ['exports', 'types'],
  // eventKeyOfIdentity, eventKeyOf (tests only), rawEventKey (tests only)
  'packages/schemas/src/event-key.ts': ['exports'],
  // SellAndPayTrade, SellAndPayPaymentOrder, SellAndPayCryptoDeposit
  'packages/schemas/src/families/sell-and-pay.ts': ['exports'],
  // FIXTURES_DIR
  'packages/schemas/src/fixture-files.test-helpers.ts': ['exports'],
  // PartialIdentity, parseEvent (tests only)
  'packages/schemas/src/parse-event.ts': ['exports', 'types'],
  // FIXTURE_CUSTOMER_ID, FIXTURE_ENTITY_IDS (tests only), realisticFixtures (tests only), RealisticFixture (tests only)
  'packages/schemas/src/realistic-fixtures.ts': ['exports', 'types'],
  // ConnectionRole
  'packages/store/src/connection.ts': ['types'],
  // toDeadLetterEntry, DeadLetterEntry, DeadLetterFilter, DeadLetterListOptions, DeadLetterPage
  'packages/store/src/dead-letter-store.ts': ['exports', 'types'],
  // toCommitResult, EntityRecord, PreparedCommit, LockAndLoadResult (tests only)
  'packages/store/src/entity-store.ts': ['exports', 'types'],
  // entityTag
  'packages/store/src/keys.ts': ['exports'],
  // BULLMQ_ATTEMPTS_CEILING
  'packages/store/src/queue-definition.ts': ['exports'],
  // QUEUE_GAUGE_NAMES (tests only)
  'packages/store/src/queue-gauges.ts': ['exports'],
  // DEAD_LETTER_COUNT_LIMIT, readUsedMemoryBytes, QueueState
  'packages/store/src/queue-snapshot.ts': ['exports', 'types'],
  // SCRIPT_FILES, scriptSource
  'packages/store/src/scripts.ts': ['exports'],
  // recordOutcome (tests only), readOutcomesLastHour (tests only)
  'packages/store/src/stats.ts': ['exports'],
};

/** @param {{ production?: boolean }} options knip's command-line options */
export default ({ production = false }) => ({
  $schema: 'https://unpkg.com/knip@6/schema.json',
  includeEntryExports: true,
  // A type exported because an exported signature of the same file names it is part of that signature.
  ignoreExportsUsedInFile: { interface: true, type: true },
  ignoreWorkspaces: production ? TEST_ONLY_WORKSPACES : [],
  ignoreIssues: { ...PENDING_RESTRUCTURE, ...(production ? PUBLIC_API_FOR_TESTS : {}) },
  workspaces: {
    '.': {
      entry: ['scripts/*.mjs'],
      project: ['scripts/**/*.mjs'],
    },
    'apps/admin': {
      // console.ts is the console page's script, compiled to dist/console/ and loaded by the page.
      entry: ['src/main.ts!', 'console/console.ts!'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!', 'console/**/*.ts!'],
      // Not imported: the admin's tests start the receiver and the worker from their dist/ (turbo builds them first).
      ignoreDependencies: ['@ripio-webhooks/receiver', '@ripio-webhooks/worker'],
    },
    'apps/receiver': {
      entry: ['src/main.ts!'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'apps/worker': {
      entry: ['src/main.ts!'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'packages/schemas': {
      // write-fixtures.ts regenerates fixtures/ (`pnpm --filter @ripio-webhooks/schemas fixtures`).
      entry: ['scripts/*.ts'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!', 'scripts/*.ts'],
    },
    'packages/store': {
      // Imported by nobody: it brings test-support's `ProvidedContext` augmentation into the type program.
      entry: ['src/vitest-context.test-helpers.ts'],
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'packages/core': {
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    'packages/cli': {
      project: ['src/**/*.ts!', '!src/**/*.test-helpers.ts!'],
    },
    // Test-only package: nothing ships, so no "!" patterns.
    'packages/test-support': {
      project: ['src/**/*.ts'],
    },
    bench: {
      // Each server under src/servers/ runs as its own process (bench/src/servers.ts starts dist/servers/<id>.js).
      entry: ['src/run.ts!', 'src/memory.ts!', 'src/servers/*.ts!'],
      project: ['src/**/*.ts!'],
    },
    'tests/e2e': {
      // The ledger handlers module the e2e stack's workers load by path (HANDLERS_MODULE).
      entry: ['src/fixtures/*.mjs'],
      project: ['src/**/*.{ts,mjs}'],
    },
    'tests/deploy': {
      project: ['src/**/*.ts'],
      // Not imported: the tests run the apps' and the CLI's dist/main.js (turbo builds them first).
      ignoreDependencies: [
        '@ripio-webhooks/admin',
        '@ripio-webhooks/cli',
        '@ripio-webhooks/receiver',
        '@ripio-webhooks/worker',
      ],
    },
  },
});
