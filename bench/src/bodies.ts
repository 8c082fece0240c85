import { randomBytes } from 'node:crypto';
import { signRipioBody } from '@ripio-webhooks/core';
import { toRipioJson } from '@ripio-webhooks/schemas';
import { TEST_WEBHOOK_SECRET } from '@ripio-webhooks/test-support';

/** The webhook secret every server of the benchmark is configured with. */
export const BENCH_SECRET = TEST_WEBHOOK_SECRET;
/** The INTAKE_PROOF_KEYS of the bench's receivers and workers (prefilled jobs are signed with it too). */
export const BENCH_INTAKE_PROOF_KEY = 'bench-intake-proof-key-0123456789abcdef';

export interface SignedEvent {
  entityId: string;
  body: string;
  /** Value of `X-Wh-Signature-256`. */
  signature: string;
}

export type EventSource = () => SignedEvent;

const PLACEHOLDER = '00000000-0000-4000-8000-placeholder0';

/** The two Sell and Pay events of a normal payment: the crypto deposit arrives, then the payment order completes. */
export type SellAndPayStage = 'deposit-received' | 'payment-completed';

/**
 * The Sell and Pay PAYMENT_ORDER.COMPLETED example of Ripio's documentation (and the DEPOSIT.RECEIVED that comes
 * before it) with the entity id as a parameter, serialized the way Ripio does (compact, non-ASCII escaped): about
 * 1.3 KB for the completed payment, inside the 1-2 KB the issue asks for.
 */
function sellAndPayEvent(stage: SellAndPayStage, entityId: string, issueDatetime: string): unknown {
  const paid = stage === 'payment-completed';
  return {
    eventType: paid ? 'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED' : 'SELL_AND_PAY.DEPOSIT.RECEIVED',
    issueDatetime,
    transaction: {
      id: entityId,
      createdAt: '2024-10-01T15:20:00.000000Z',
      expiresAt: '2024-10-01T16:20:00.000000Z',
      customerId: 'b6cecc1f-c90d-424b-adaa-c82b780696c1',
      trade: paid
        ? {
            id: 'c0f1d2e3-4a5b-4c6d-8e7f-901a2b3c4d5e',
            customerId: 'b6cecc1f-c90d-424b-adaa-c82b780696c1',
            baseAsset: 'USDC',
            quoteAsset: 'ARS',
            baseAmount: '10.25',
            quoteAmount: '10000.50',
            rate: '976.0975609756098',
            marketRate: '980.00',
          }
        : null,
      paymentOrder: paid
        ? {
            id: 'd1e2f3a4-5b6c-4d7e-8f90-a1b2c3d4e5f6',
            customerId: 'b6cecc1f-c90d-424b-adaa-c82b780696c1',
            merchant: 'Almacén Don José',
            qrCode: '00020101021226360014br.gov.bcb.pix0114+5491155555555520400005303032540810000.505802AR',
            amount: '10000.50',
            currency: 'ARS',
            providerTxnId: 'provider-txn-8f2a61c4',
          }
        : null,
      amount: '10000.50',
      cryptoAmount: '10.25',
      paymentCurrency: 'ARS',
      depositCurrency: 'USDC',
      depositNetwork: 'ETHEREUM',
      depositAddress: '0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D',
      status: paid ? 'COMPLETED' : 'CONFIRMED_DEPOSIT',
      cryptoDeposit: {
        id: 'e2f3a4b5-6c7d-4e8f-9a0b-c1d2e3f4a5b6',
        txnId: 'f3a4b5c6-7d8e-4f9a-8b1c-d2e3f4a5b6c7',
        hash: '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060',
        currencyCode: 'USDC',
        addressDestination: '0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D',
        confirmationDate: '2024-10-01T15:25:00.000000Z',
        amount: '10.25',
        createdAt: '2024-10-01T15:22:00.000000Z',
        customerId: 'b6cecc1f-c90d-424b-adaa-c82b780696c1',
        status: 'CONFIRMED',
        network: 'ETHEREUM',
      },
      refundTxnHash: null,
    },
  };
}

/** Renders the event for any entity id by splicing the id into a pre-serialized body (cheap per request). */
export class BodyTemplate {
  private readonly parts: string[];
  constructor(serialized: string) {
    this.parts = serialized.split(PLACEHOLDER);
    if (this.parts.length < 2) throw new Error('the event template does not contain its entity id');
  }
  render(entityId: string): string {
    return this.parts.join(entityId);
  }
}

export function eventBodyTemplate(
  stage: SellAndPayStage = 'payment-completed',
  issueDatetime = new Date().toISOString(),
): BodyTemplate {
  return new BodyTemplate(toRipioJson(sellAndPayEvent(stage, PLACEHOLDER, issueDatetime)));
}

/** Size in bytes of the benchmark body. */
export function bodyBytes(): number {
  return Buffer.byteLength(eventBodyTemplate().render(PLACEHOLDER));
}

/** A UUID-shaped id unique to this process run and counter value. */
export function entityIdOf(runTag: string, counter: number): string {
  return `${runTag}-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export function newRunTag(): string {
  return randomBytes(4).toString('hex');
}

/** Every call yields an event for a new entity, signed. */
export function uniqueEvents(runTag = newRunTag()): EventSource {
  const template = eventBodyTemplate();
  let counter = 0;
  return () => {
    const entityId = entityIdOf(runTag, counter);
    counter += 1;
    const body = template.render(entityId);
    return { entityId, body, signature: signRipioBody(body, BENCH_SECRET) };
  };
}

/**
 * 30% of the calls (3 in every 10, spread out) repeat an event yielded earlier, as Ripio's redeliveries do; the
 * repeated one is drawn from the last 1024 new events.
 */
export function eventsWithDuplicates(source: EventSource = uniqueEvents()): EventSource {
  const recent: SignedEvent[] = [];
  const RING = 1024;
  let calls = 0;
  let fresh = 0;
  let seed = 12345;
  return () => {
    const slot = calls % 10;
    calls += 1;
    if ((slot === 3 || slot === 6 || slot === 9) && recent.length > 0) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const repeated = recent[seed % recent.length];
      if (repeated !== undefined) return repeated;
    }
    const event = source();
    recent[fresh % RING] = event;
    fresh += 1;
    return event;
  };
}
