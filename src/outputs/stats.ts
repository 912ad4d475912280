/**
 * Counters per output. They live in memory for the life of the process; `execwatch status` and
 * the periodic log line read them through Delivery.stats().
 */

/** What one output has done since delivery started. */
export interface OutputStats {
  name: string;
  type: string;
  /** Alerts handed to the collector, retries included. */
  sent: number;
  /** Alerts the collector confirmed (for Elasticsearch, 409 duplicates count here). */
  confirmed: number;
  /** Alerts sent again after a retryable failure. */
  retried: number;
  /** Alerts the collector refused for good, written to the dead-letter file. */
  deadLettered: number;
  /** Alerts lost before delivery because the spool was full. */
  dropped: number;
  /** Alerts shortened to fit a size cap (syslog). */
  truncated: number;
  /** Alerts in the spool this output has not delivered yet. */
  queueDepth: number;
  /** ISO time of the last confirmed delivery. */
  lastSuccessAt: string | null;
  /** The last failure, as a sentence. */
  lastError: string | null;
}

export class OutputCounters {
  sent = 0;
  confirmed = 0;
  retried = 0;
  deadLettered = 0;
  dropped = 0;
  truncated = 0;
  lastSuccessAtMs: number | undefined;
  lastError: string | undefined;

  snapshot(name: string, type: string, queueDepth: number): OutputStats {
    return {
      name,
      type,
      sent: this.sent,
      confirmed: this.confirmed,
      retried: this.retried,
      deadLettered: this.deadLettered,
      dropped: this.dropped,
      truncated: this.truncated,
      queueDepth,
      lastSuccessAt:
        this.lastSuccessAtMs === undefined ? null : new Date(this.lastSuccessAtMs).toISOString(),
      lastError: this.lastError ?? null,
    };
  }
}
