import { CommitRejectedError } from '../errors/commit-rejected-error.js';
import { followHoldAdvance } from '../holds/hold-actions.js';
import type { CommittedEventOutcome } from '../outcome.js';
import type { PipelineDeps } from './deps.js';
import type { DecidedJob } from './decide-step.js';

/**
 * Sends the built commit (commitEvent-8.lua: dedupe record, entity, history entry and unlock, atomically). A
 * refused commit (lock lost, entity moved, event committed meanwhile, or another event holds the entity) wrote
 * nothing and throws CommitRejectedError. A committed blocker advances its entity's hold: the index follows and
 * the next blocker's job is woken.
 */
export async function commitStep(
  deps: Pick<PipelineDeps, 'entities' | 'holds' | 'logger' | 'now'>,
  decided: DecidedJob,
): Promise<CommittedEventOutcome> {
  const { event, eventKey, before, commit, decision } = decided;
  const result = await deps.entities.commit(commit.prepared);
  switch (result.outcome) {
    case 'committed':
      await followHoldAdvance(deps, event, result.hold);
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
    case 'on_hold':
      throw new CommitRejectedError(eventKey, result.outcome);
    default: {
      const unreachable: never = result;
      throw new Error(`unknown commit result ${String(unreachable)}`);
    }
  }
}
