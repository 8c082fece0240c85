import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/** Scenario files run in the order of their numbers, whatever the timings cached from earlier runs. */
class ByFileName extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve([...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId)));
  }
}

// Each scenario file starts its own Redis, receiver, workers and admin as child processes: run the files one
// after another (two stacks at once would fight for this machine's two cores) with generous bounds. Timeouts
// here are upper bounds that turn a hang into a failure, not performance assertions.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['./src/harness/global-setup.ts'],
    fileParallelism: false,
    sequence: { sequencer: ByFileName },
    testTimeout: 600_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    pool: 'forks',
  },
});
