/**
 * A sender the test drives by hand: each send() becomes a pending call the test answers
 * (deliver, fail, or per-item outcomes), so retry and batching can be stepped with fake timers.
 */
import type { DeliveryError } from '../../src/outputs/delivery-error.js';
import type { Sender } from '../../src/outputs/sender.js';
import type { SpoolRecord } from '../../src/outputs/spool.js';
import type { ItemOutcome } from '../../src/outputs/with-retry.js';

export interface FakeCall {
  ids: string[];
  atMs: number;
  deliver(): void;
  fail(error: DeliveryError): void;
  answer(outcomes: ItemOutcome[]): void;
}

export class FakeSender implements Sender {
  readonly calls: FakeCall[] = [];
  private waiters: ((call: FakeCall) => void)[] = [];
  closed = false;

  /** With `autoDeliver`, every call is answered "delivered" at once. */
  constructor(private readonly autoDeliver = false) {}

  send(records: SpoolRecord[]): Promise<ItemOutcome[]> {
    return new Promise((resolve, reject) => {
      const call: FakeCall = {
        ids: records.map(
          (record) => (JSON.parse(record.payload.toString()) as { event: { id: string } }).event.id,
        ),
        atMs: Date.now(),
        deliver: () => resolve(records.map(() => ({ kind: 'delivered' }))),
        fail: (error) => reject(error),
        answer: (outcomes) => resolve(outcomes),
      };
      this.calls.push(call);
      if (this.autoDeliver) call.deliver();
      this.waiters.shift()?.(call);
    });
  }

  /** The call number `index` (0-based), once it has been made. */
  call(index: number): Promise<FakeCall> {
    const existing = this.calls[index];
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const check = (call: FakeCall): void => {
        if (this.calls[index] === call) resolve(call);
        else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
