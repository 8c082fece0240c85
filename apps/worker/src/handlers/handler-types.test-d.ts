// The handler contract of @ripio-webhooks/handlers is written out by hand, as plain types, so that package has no
// dependency. These type tests (vitest typecheck: tsc, no runtime) keep it from drifting away from what the worker
// really passes: the schemas' catalog and parsed events, the store's entity and history.
import type * as Api from '@ripio-webhooks/handlers';
import type * as Schemas from '@ripio-webhooks/schemas';
import type { EntityState, HistoryEntry } from '@ripio-webhooks/store';
import { describe, expectTypeOf, it } from 'vitest';
import type { HandlerRunner, HandlerRunnerOptions } from './run-handlers.js';

/** True when each type is assignable to the other. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Per event type: the catalog's entity kind and parsed object against the public ones. */
type PerEventType = {
  [T in Schemas.EventType]: T extends Api.EventType
    ? [
        Mutual<Schemas.KindOf<T>, Api.KindByEventType[T]>,
        Mutual<Schemas.ObjectOf<T>, Api.ObjectOf<T>>,
        Schemas.ParsedEvent<T> extends Api.HandledEvent<T> ? true : false,
      ]
    : 'not a public event type';
};
type AllTrue = { [T in Schemas.EventType]: [true, true, true] };

/** The keys a public type names that the worker's type lacks: none, or the public type promises too much. */
type Invented<Public, Real> = Exclude<keyof Public, keyof Real>;

describe('the public handler types match what the worker passes', () => {
  it('names the same event types, families and entity kinds as the catalog', () => {
    expectTypeOf<Mutual<Api.EventType, Schemas.EventType>>().toEqualTypeOf<true>();
    expectTypeOf<Mutual<Api.Family, Schemas.Family>>().toEqualTypeOf<true>();
    expectTypeOf<Mutual<Api.EntityKind, Schemas.EntityKind>>().toEqualTypeOf<true>();
  });

  it('gives each event type its kind, its object (both ways) and a parsed event that fits', () => {
    expectTypeOf<PerEventType>().toEqualTypeOf<AllTrue>();
    expectTypeOf<Mutual<Schemas.ObjectByKind, Api.ObjectByKind>>().toEqualTypeOf<true>();
    expectTypeOf<Invented<Api.HandledEventBase, Schemas.ParsedEvent>>().toEqualTypeOf<never>();
  });

  it("describes the store's entity and history entries without promising fields they lack", () => {
    expectTypeOf<EntityState>().toExtend<Api.EntitySnapshot>();
    expectTypeOf<HistoryEntry>().toExtend<Api.HistoryRecord>();
    expectTypeOf<Invented<Api.EntitySnapshot, EntityState>>().toEqualTypeOf<never>();
    expectTypeOf<Invented<Api.HistoryRecord, HistoryEntry>>().toEqualTypeOf<never>();
    expectTypeOf<Mutual<Api.RecordedOutcome, HistoryEntry['outcome']>>().toEqualTypeOf<true>();
  });

  it("is the worker's own handler contract", () => {
    expectTypeOf<HandlerRunnerOptions['handlers']>().toEqualTypeOf<Api.HandlerMap>();
    expectTypeOf<Parameters<HandlerRunner['run']>[0]>().toEqualTypeOf<Omit<Api.HandlerContext, 'signal'>>();
  });
});
