/** What every builder reads: the entity, when the event is issued, its customer and its discriminator. */
export interface SampleContext {
  entityId: string;
  issuedAtMs: number;
  customerId: string;
  discriminator: string | undefined;
}

export type JsonObject = Record<string, unknown>;
