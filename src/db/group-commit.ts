// Group commit with a bounded number of statements in flight, for every batched statement (ingest,
// delivery claims and records, verification reads and verdicts). Calls made while every slot is
// busy wait and then go together in one statement, so under load batches grow instead of
// statements multiplying and filling the connection pool; alone, a call waits no longer than a tick.
// Measured on the ingest bench: PostgreSQL's CPU per stored message falls as batches grow
// (fewer statements, commits and socket writes), and Node's too (fewer round trips).
// A statement carries at most `maxBatch` inputs and, when a weight is given, inputs weighing
// `maxWeight` (ingest weighs bodies in bytes); a single heavier input still goes, alone.
export interface GroupCommitLimits<In> {
  maxInFlight?: number;
  /**
   * How long a batch that is not full may wait for company before it goes (ms; default: the rest
   * of the tick). For statements nobody outside waits on, where a few milliseconds cost nothing
   * and save one statement per input when inputs trickle in one at a time.
   */
  lingerMs?: number;
  maxBatch?: number;
  maxWeight?: number;
  weigh?: (input: In) => number;
}

interface Entry<In, Out> {
  input: In;
  weight: number;
  at: number;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<In, Out> {
  private pending: Array<Entry<In, Out>> = [];
  private pendingWeight = 0;
  private scheduled = false;
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private readonly maxBatch: number;
  private readonly maxWeight: number;
  private readonly weigh: ((input: In) => number) | null;

  constructor(
    /**
     * Runs one statement for every input; returns one result per input, in order. `since` is when
     * the oldest of them was submitted (performance.now()), so the statement can be bounded by
     * what is left of its caller's timeout after waiting for a slot.
     */
    private readonly run: (inputs: In[], since: number) => Promise<Out[]>,
    limits: GroupCommitLimits<In> = {},
  ) {
    this.maxInFlight = limits.maxInFlight ?? 2;
    this.lingerMs = limits.lingerMs ?? 0;
    this.maxBatch = limits.maxBatch ?? 256;
    this.maxWeight = limits.maxWeight ?? Number.POSITIVE_INFINITY;
    this.weigh = limits.weigh ?? null;
  }

  submit(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      const weight = this.weigh ? this.weigh(input) : 0;
      this.pending.push({ input, weight, at: performance.now(), resolve, reject });
      this.pendingWeight += weight;
      if (this.pending.length >= this.maxBatch || this.pendingWeight >= this.maxWeight) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        const go = () => {
          this.scheduled = false;
          this.flush();
        };
        if (this.lingerMs > 0) setTimeout(go, this.lingerMs);
        else setImmediate(go);
      }
    });
  }

  /** The next statement's inputs: the oldest waiting, up to the count and weight caps. */
  private take(): Array<Entry<In, Out>> {
    let count = 0;
    let weight = 0;
    for (const entry of this.pending) {
      if (count >= this.maxBatch || (count > 0 && weight + entry.weight > this.maxWeight)) break;
      count++;
      weight += entry.weight;
    }
    this.pendingWeight -= weight;
    return this.pending.splice(0, count);
  }

  private flush(): void {
    // Full slots: the statement that finishes next takes what has gathered by then.
    if (this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    const batch = this.take();
    this.inFlight++;
    let work: Promise<Out[]>;
    try {
      work = this.run(
        batch.map((entry) => entry.input),
        (batch[0] as Entry<In, Out>).at,
      );
    } catch (error) {
      work = Promise.reject(error);
    }
    // The slot is given back before the callers hear of their results: the next statement is on
    // its way while this one's callers answer their requests (freed after them, PostgreSQL sat
    // idle while a batch's answers were written; docs/performance.md, section 13).
    const release = () => {
      this.inFlight--;
      this.flush();
    };
    work.then(
      (outputs) => {
        release();
        for (const [index, entry] of batch.entries()) entry.resolve(outputs[index] as Out);
      },
      (error) => {
        release();
        for (const entry of batch) entry.reject(error);
      },
    );
  }
}
