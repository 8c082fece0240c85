import { CommitRejectedError } from '../errors/commit-rejected-error.js';
import type { CommittedEventOutcome } from '../outcome.js';
import type { PipelineDeps } from './deps.js';
import type { DecidedJob } from './decide-step.js';

/**
 * Sends the built commit (commitEvent-4.lua: dedupe record, entity, history entry and unlock, atomically). A
 * refused commit (lock lost, entity moved, event committed meanwhile) wrote nothing and throws CommitRejectedError.
 */
export async function commitStep(
  deps: Pick<PipelineDeps, 'entities'>,
  decided: DecidedJob,
): Promise<CommittedEventOutcome> {
  const { event, eventKey, before, commit, decision } = decided;
  const result = await deps.entities.commit(commit.prepared);
  switch (result) {
    case 'committed':
      return {
        outcome: commit.outcome,
        event,
        eventKey,
        fromStatus: before?.status ?? null,
        toStatus: commit.history.toStatus,
        conflictReason: decision.kind === 'conflict' ? decision.reason : undefined,
      };
    case 'lock_lost':
    case 'version_mismatch':
    case 'already_seen':
      throw new CommitRejectedError(eventKey, result);
    default: {
      const unreachable: never = result;
      throw new Error(`unknown commit result ${String(unreachable)}`);
    }
  }
}
