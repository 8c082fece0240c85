import { ms, ratio } from './format.js';
import type { MeasuredResults, Target } from './results.js';

/** Receiver saturation against the Express raw+HMAC ceiling and the naive peer, for each Node version. */
function intakeTargets(intake: MeasuredResults['intake']): Target[] {
  const targets: Target[] = [];
  for (const [label, scenarios] of Object.entries(intake)) {
    const receiver = scenarios['receiver']?.rps.median;
    const express = scenarios['express-hmac']?.rps.median;
    const naive = scenarios['naive-peer']?.rps.median;
    if (receiver !== undefined && express !== undefined) {
      const value = receiver / express;
      targets.push({
        target: `${label}: receiver saturation >= 0.75x Express raw+HMAC ceiling`,
        measured: ratio(value),
        met: value >= 0.75,
      });
    }
    if (receiver !== undefined && naive !== undefined) {
      const value = receiver / naive;
      targets.push({
        target: `${label}: receiver saturation >= 1.5x naive peer`,
        measured: ratio(value),
        met: value >= 1.5,
      });
    }
  }
  return targets;
}

/** Ack latency at fixed shares of the receiver's saturation. */
function fixedRateTargets(fixedRate: MeasuredResults['fixedRate']): Target[] {
  const targets: Target[] = [];
  const half = fixedRate?.find((run) => run.fraction === 0.5);
  const threeQuarters = fixedRate?.find((run) => run.fraction === 0.75);
  if (half !== undefined) {
    targets.push({
      target: 'receiver p99 ack at 50% of saturation <= 10 ms',
      measured: `${ms(half.p99.median)} ms`,
      met: half.p99.median <= 10,
    });
  }
  if (threeQuarters !== undefined) {
    targets.push({
      target: 'receiver p99.9 ack at 75% of saturation <= 50 ms',
      measured: `${ms(threeQuarters.p999.median)} ms`,
      met: threeQuarters.p999.median <= 50,
    });
  }
  return targets;
}

/** The worker's throughput against a no-op BullMQ worker with the same processes and concurrency. */
function processingTargets(processing: MeasuredResults['processing']): Target[] {
  const targets: Target[] = [];
  for (const ours of processing?.filter((run) => run.mode === 'ours') ?? []) {
    const noop = processing?.find(
      (run) =>
        run.mode === 'noop' && run.processes === ours.processes && run.concurrency === ours.concurrency,
    );
    if (noop === undefined) continue;
    const value = ours.eventsPerSecond.median / noop.eventsPerSecond.median;
    targets.push({
      target: `processing >= 0.6x no-op worker (${ours.processes} process${ours.processes > 1 ? 'es' : ''}, concurrency ${ours.concurrency})`,
      measured: ratio(value),
      met: value >= 0.6,
    });
  }
  return targets;
}

/** Redis requests per event: stated, not judged. */
function costTargets(cost: MeasuredResults['cost']): Target[] {
  if (cost === undefined) return [];
  const { ours, naive } = cost;
  return [
    {
      target:
        'Redis requests per event stated (intake + processing; all commands incl. inside scripts in brackets)',
      measured:
        `ours ${ours.intake.requestsPerEvent} + ${ours.processing.requestsPerEvent} (${ours.intake.perEvent} + ${ours.processing.perEvent}); ` +
        `naive ${naive.intake.requestsPerEvent} + ${naive.processing.requestsPerEvent} (${naive.intake.perEvent} + ${naive.processing.perEvent})`,
      met: null,
    },
  ];
}

/** Checks the performance targets against the results (null: not measured in this run). */
export function evaluateTargets(results: MeasuredResults): Target[] {
  return [
    ...intakeTargets(results.intake),
    ...fixedRateTargets(results.fixedRate),
    ...processingTargets(results.processing),
    ...costTargets(results.cost),
  ];
}
