import type { Queue } from 'bullmq';
import type { EventJobData } from './queue-definition.js';

/** The last known waiting count of the events queue, refreshed in the background at most once per second. */
export class BacklogGauge {
  private count = 0;
  private refreshedAtMs = Number.NEGATIVE_INFINITY;
  private refreshing = false;

  constructor(
    private readonly queue: Queue<EventJobData>,
    /** Over this many waiting jobs the backlog is full; 0 turns the check off. */
    private readonly limit: number,
    private readonly nowMs: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Whether the backlog passes the limit, as last seen; starts a refresh when the value is a second old. */
  isOverLimit(): boolean {
    if (this.limit <= 0) return false;
    const now = this.nowMs();
    if (!this.refreshing && now - this.refreshedAtMs >= 1_000) {
      this.refreshing = true;
      this.refreshedAtMs = now;
      this.queue
        .getWaitingCount()
        .then((count) => {
          this.count = count;
        }, this.onError)
        .finally(() => {
          this.refreshing = false;
        });
    }
    return this.count > this.limit;
  }
}
