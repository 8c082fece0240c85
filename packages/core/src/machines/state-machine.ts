import type { EntityKind } from '@ripio-webhooks/schemas';

/** One entity kind's statuses and the moves between them: data only, no behaviour. */
export interface StateMachine {
  kind: EntityKind;
  statuses: readonly string[];
  /** status -> statuses directly reachable */
  next: Readonly<Record<string, readonly string[]>>;
  /** Statuses an entity normally starts in (an out-of-order first event may still create it in any status). */
  initial: readonly string[];
}
