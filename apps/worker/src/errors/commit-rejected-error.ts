import type { CommitRejection } from '@ripio-webhooks/store';

/**
 * The commit script refused to write: the entity lock expired (or the entity changed) while this attempt ran.
 * Nothing was written; the job is retried and dedupe plus the version check keep the redo correct.
 */
export class CommitRejectedError extends Error {
  override readonly name = 'CommitRejectedError';

  constructor(
    readonly eventKey: string,
    readonly result: CommitRejection,
  ) {
    super(`commit of ${eventKey} refused: ${result}`);
  }
}
