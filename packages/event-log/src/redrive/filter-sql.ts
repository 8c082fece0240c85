import { REDRIVE_OUTCOMES, type RedriveFilter } from '@ripio-webhooks/contracts';

/** A WHERE clause over `events` and its positional parameters. */
export interface SqlCondition {
  where: string;
  params: unknown[];
}

/**
 * The WHERE clause of the events a re-drive filter selects: every given field narrows it, and only the outcomes
 * handlers ran for are ever selected. `receivedBy` bounds the selection to events received by then (the
 * re-drive's creation), so events arriving while it runs do not join it. Pure; values are always parameters.
 */
export function redriveCondition(filter: RedriveFilter, receivedBy?: Date): SqlCondition {
  const params: unknown[] = [];
  const clauses: string[] = [];
  const add = (clause: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  add(
    (p) => `outcome = ANY(${p}::text[])`,
    filter.outcome === undefined ? [...REDRIVE_OUTCOMES] : [filter.outcome],
  );
  if (filter.eventType !== undefined) add((p) => `event_type = ${p}`, filter.eventType);
  if (filter.family !== undefined) add((p) => `family = ${p}`, filter.family);
  if (filter.kind !== undefined) add((p) => `kind = ${p}`, filter.kind);
  if (filter.entityId !== undefined) add((p) => `entity_id = ${p}`, filter.entityId);
  if (filter.from !== undefined) add((p) => `issued_at >= ${p}::timestamptz`, filter.from);
  if (filter.to !== undefined) add((p) => `issued_at < ${p}::timestamptz`, filter.to);
  if (filter.eventKeys !== undefined) add((p) => `event_key = ANY(${p}::text[])`, filter.eventKeys);
  if (receivedBy !== undefined) add((p) => `received_at <= ${p}::timestamptz`, receivedBy.toISOString());
  // Only events of an entity: handlers run for an entity's events, and entity order needs both.
  clauses.push('kind IS NOT NULL', 'entity_id IS NOT NULL');
  return { where: clauses.join(' AND '), params };
}

/** The order a re-drive runs events in: each entity's events together, oldest first. */
export const ENTITY_ORDER = 'kind, entity_id, issued_at, event_key';

/** The position of an event in entity order. */
export interface EntityPosition {
  kind: string;
  entityId: string;
  issuedAt: Date;
  eventKey: string;
}

/** `condition` narrowed to the events after `position` in entity order (a keyset page). */
export function after(condition: SqlCondition, position: EntityPosition | undefined): SqlCondition {
  if (position === undefined) return condition;
  const params = [
    ...condition.params,
    position.kind,
    position.entityId,
    position.issuedAt,
    position.eventKey,
  ];
  const n = condition.params.length;
  return {
    where: `${condition.where} AND (${ENTITY_ORDER}) > ($${n + 1}, $${n + 2}, $${n + 3}::timestamptz, $${n + 4})`,
    params,
  };
}
