/**
 * A bounded hand-off from a push producer (the native addon's callback) to one async consumer.
 *
 * Approach: an array buffer and at most one waiting reader. `push` never blocks: beyond
 * `maxItems` buffered items it drops the newest and counts them, so a stalled consumer costs
 * memory up to the bound and no more. `close` lets the reader finish what is buffered; `fail`
 * makes the next read throw after the buffer is drained.
 */

export class RecordChannel<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private waiter: ((result: IteratorResult<T>) => void) | undefined;
  private waiterReject: ((error: unknown) => void) | undefined;
  private isClosed = false;
  private failure: { error: unknown } | undefined;
  private droppedCount = 0;

  constructor(private readonly maxItems: number) {}

  /** Items dropped because the buffer was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  get size(): number {
    return this.buffer.length;
  }

  /** Adds items; returns how many were dropped for lack of room. Ignored once closed. */
  push(items: readonly T[]): number {
    if (this.isClosed) return 0;
    let dropped = 0;
    for (const item of items) {
      if (this.deliverToWaiter(item)) continue;
      if (this.buffer.length >= this.maxItems) {
        dropped += 1;
        continue;
      }
      this.buffer.push(item);
    }
    this.droppedCount += dropped;
    return dropped;
  }

  /** No more items; the reader ends after the buffered ones. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.settleWaiter();
  }

  /** The reader throws `error` after the buffered items. */
  fail(error: unknown): void {
    if (this.isClosed) return;
    this.failure = { error };
    this.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next() };
  }

  private next(): Promise<IteratorResult<T>> {
    const item = this.buffer.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.failure !== undefined) return Promise.reject(this.takeFailure());
    if (this.isClosed) return Promise.resolve({ value: undefined, done: true });

    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.waiterReject = reject;
    });
  }

  private deliverToWaiter(item: T): boolean {
    const waiter = this.waiter;
    if (waiter === undefined) return false;
    this.waiter = undefined;
    this.waiterReject = undefined;
    waiter({ value: item, done: false });
    return true;
  }

  private settleWaiter(): void {
    const waiter = this.waiter;
    const reject = this.waiterReject;
    this.waiter = undefined;
    this.waiterReject = undefined;
    if (waiter === undefined || reject === undefined) return;
    if (this.failure !== undefined) reject(this.takeFailure());
    else waiter({ value: undefined, done: true });
  }

  private takeFailure(): unknown {
    const error = this.failure?.error;
    this.failure = undefined;
    return error;
  }
}
