import type { EntityKind } from '@ripio-webhooks/schemas';

/** One entity kind's statuses and the moves between them: data only, no behaviour. */
export interface StateMachine {
  kind: EntityKind;
  statuses: readonly string[];
  /** status -> statuses directly reachable */
  next: Readonly<Record<string, readonly string[]>>;
}
