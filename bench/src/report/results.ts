import type { NodeBinary } from '../config.js';
import type { CostResult } from '../scenarios/cost.js';
import type { EndToEndResult } from '../scenarios/e2e.js';
import type { FixedRateResult, IntakeResult } from '../scenarios/intake.js';
import type { ProcessingResult } from '../scenarios/processing.js';
import type { ProfileResult } from '../scenarios/profile.js';

interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  redis: string;
  /** 1-minute load average when the run started, before it loaded the machine (other work skews figures). */
  loadAverageAtStart: number;
}

/** Everything one `pnpm bench` run measured: written to bench/results/<date>.json and rendered into the docs. */
export interface BenchResults {
  date: string;
  command: string;
  machine: Machine;
  nodes: NodeBinary[];
  settings: Record<string, unknown>;
  bodyBytes: number;
  /** By node label, then scenario id. */
  intake: Record<string, Record<string, IntakeResult>>;
  /** Node versions whose run failed or was skipped, with the reason. */
  skipped: Record<string, string>;
  fixedRate?: FixedRateResult[];
  processing?: ProcessingResult[];
  endToEnd?: EndToEndResult;
  cost?: CostResult;
  profile?: ProfileResult;
  workerProfile?: ProfileResult;
  targets: Target[];
  durationSeconds: number;
}

/** The results before the targets are checked and the run's duration is known. */
export type MeasuredResults = Omit<BenchResults, 'targets' | 'durationSeconds'>;

export interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}
