import {
  AdminApiError,
  createAdminClient,
  type AdminClient,
  type DeadLetterFilter,
  type ReleaseRequestInput,
} from '@ripio-webhooks/cli';
import type {
  BulkReplayReport,
  DeadLetterListing,
  DeadLetterReason,
  EntityWithHistory,
  HeldEntity,
  ProcessingStatus,
  ReleaseReport,
  Stats,
} from '@ripio-webhooks/contracts';

type ListedDeadLetter = DeadLetterListing['entries'][number];

/** The admin API's answers, as @ripio-webhooks/contracts defines them (the admin app builds them from it). */
export type { DeadLetterEntry, EntityWithHistory as EntityRecord } from '@ripio-webhooks/contracts';

/**
 * The admin app over real HTTP with the Bearer token: the CLI's admin client, which parses every answer with its
 * contract schema, so a scenario fails on an answer of the wrong shape instead of reading `undefined`.
 */
export class AdminApi {
  private readonly client: AdminClient;

  constructor(baseUrl: string, token: string) {
    this.client = createAdminClient({ baseUrl, token, timeoutMs: 30_000 });
  }

  /** The entity with its history, or undefined when the admin API says 404. */
  async entity(kind: string, id: string): Promise<EntityWithHistory | undefined> {
    try {
      return await this.client.entity(kind, id);
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Every dead-letter entry (all pages), optionally of one reason, each with the entity it holds. */
  async deadLetters(reason?: DeadLetterReason): Promise<ListedDeadLetter[]> {
    const all: ListedDeadLetter[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page += 1) {
      const answer = await this.client.deadLetters({
        limit: 500,
        ...(reason === undefined ? {} : { reason }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      all.push(...answer.entries);
      cursor = answer.nextCursor;
      if (cursor === undefined || answer.entries.length === 0) break;
    }
    return all;
  }

  /** One bulk replay of the entries matching the filter (at most 500), as the admin app answers it. */
  replayDeadLetters(filter: DeadLetterFilter): Promise<BulkReplayReport> {
    return this.client.replayMany({ ...filter, max: 500 });
  }

  /** Every entity on hold. */
  async holds(): Promise<HeldEntity[]> {
    return (await this.client.holds()).holds;
  }

  /** Releases an entity's hold (the blocker `request.eventKey`, with a reason). */
  release(kind: string, id: string, request: ReleaseRequestInput): Promise<ReleaseReport> {
    return this.client.release(kind, id, request);
  }

  stats(): Promise<Stats> {
    return this.client.stats();
  }

  /** Whether processing is paused, and the circuit breaker's state. */
  processing(): Promise<ProcessingStatus> {
    return this.client.processing();
  }
}
