import { enteredStatusAt } from '@ripio-webhooks/store';
import type { ParsedEvent } from '@ripio-webhooks/schemas';
import type { DecidedJob } from './decide-step.js';
import type { PipelineDeps } from './deps.js';

type StatusDeps = Pick<PipelineDeps, 'unsettled' | 'logger' | 'now'>;

/**
 * Before a commit that moves the entity: marks it pending in the index of unsettled entities, so that the repair
 * sweep syncs it should this worker stop between the commit and `followStatus`.
 */
export async function markMoving(
  deps: StatusDeps,
  event: Pick<ParsedEvent, 'kind' | 'entityId'>,
): Promise<void> {
  await deps.unsettled.markPending(event.kind, event.entityId, deps.now());
}

/**
 * After a commit: the entity's entry in the index of unsettled entities follows its status, dated when it entered
 * it. Every commit writes it (a redelivery after a crash repairs it too); it cannot undo the commit, so a failure is
 * logged (the pending mark stays for the repair sweep when the commit moved the entity).
 */
export async function followStatus(deps: StatusDeps, decided: DecidedJob): Promise<void> {
  const { event, commit, history } = decided;
  const after = commit.after;
  if (after === undefined) return;
  try {
    const enteredAt = enteredStatusAt(after, [...history, commit.history]);
    await deps.unsettled.sync(event.kind, event.entityId, after.status, enteredAt);
  } catch (error) {
    deps.logger.warn(
      { err: error, kind: event.kind, id: event.entityId },
      'could not index the entity status',
    );
  }
}
