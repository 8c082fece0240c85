import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { QUEUE_GAUGE_NAMES, registerQueueGauges } from './queue-gauges.js';
import { DEAD_LETTER_REASONS, QUEUE_STATES, type QueueCounts, type QueueSnapshot } from './queue-snapshot.js';

function counts(first: number): QueueCounts {
  return Object.fromEntries(QUEUE_STATES.map((state, index) => [state, first + index])) as QueueCounts;
}

const SNAPSHOT: QueueSnapshot = {
  events: counts(10),
  deadLetter: counts(20),
  oldestWaitingAgeSeconds: 12.5,
  oldestBacklogAgeSeconds: { waiting: 12.5, delayed: 600, prioritized: 0 },
  deadLetterOldestAgeSeconds: 3_600,
  deadLetterByReason: { invalid: 1, unknown_type: 2, unsigned: 5, handler_failed: 3, exhausted: 4 },
  deadLetterByReasonTruncated: false,
  redisUsedMemoryBytes: 1_048_576,
  redisMaxMemoryBytes: 4_194_304,
};

describe('registerQueueGauges', () => {
  it('publishes every series of the snapshot, for both queues', async () => {
    const registry = new Registry();
    registerQueueGauges(registry, () => Promise.resolve(SNAPSHOT));
    const text = await registry.metrics();

    QUEUE_STATES.forEach((state, index) => {
      expect(text).toContain(`ripio_queue_jobs{queue="events",state="${state}"} ${10 + index}\n`);
      expect(text).toContain(`ripio_queue_jobs{queue="dead-letter",state="${state}"} ${20 + index}\n`);
    });
    expect(text).toContain('ripio_queue_oldest_waiting_age_seconds{queue="events",state="waiting"} 12.5\n');
    expect(text).toContain('ripio_queue_oldest_waiting_age_seconds{queue="events",state="delayed"} 600\n');
    expect(text).toContain('ripio_queue_oldest_waiting_age_seconds{queue="events",state="prioritized"} 0\n');
    expect(text).toContain(
      'ripio_queue_oldest_waiting_age_seconds{queue="dead-letter",state="waiting"} 3600\n',
    );
    DEAD_LETTER_REASONS.forEach((reason) => {
      expect(text).toContain(
        `ripio_dead_letter_size{reason="${reason}"} ${SNAPSHOT.deadLetterByReason[reason]}\n`,
      );
    });
    expect(text).toContain('ripio_redis_used_memory_bytes 1048576\n');
    expect(text).toContain('ripio_redis_maxmemory_bytes 4194304\n');
    expect(registry.getMetricsAsArray().map((metric) => metric.name)).toEqual([...QUEUE_GAUGE_NAMES]);
  });

  it('reads one snapshot per scrape, shared by all the gauges', async () => {
    const registry = new Registry();
    let reads = 0;
    registerQueueGauges(registry, () => {
      reads += 1;
      return Promise.resolve(SNAPSHOT);
    });
    await registry.metrics();
    expect(reads).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    await registry.metrics();
    expect(reads).toBe(2);
  });

  it('leaves the labelled gauges out and says NaN for memory when the snapshot fails', async () => {
    const registry = new Registry();
    const errors: unknown[] = [];
    registerQueueGauges(
      registry,
      () => Promise.reject(new Error('Connection is closed.')),
      (error) => errors.push(error),
    );
    const text = await registry.metrics();

    expect(text).not.toMatch(/^ripio_queue_jobs\{/m);
    expect(text).not.toMatch(/^ripio_queue_oldest_waiting_age_seconds\{/m);
    expect(text).not.toMatch(/^ripio_dead_letter_size\{/m);
    expect(text).toMatch(/^ripio_redis_used_memory_bytes nan$/im);
    expect(text).toMatch(/^ripio_redis_maxmemory_bytes nan$/im);
    expect(errors).toEqual([new Error('Connection is closed.')]);
  });
});
