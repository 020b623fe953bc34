// Group commit: calls made while a batch is open (the rest of this tick) share one statement.
// Under load many delivery jobs run at once, and one claim or record statement for all of them
// costs PostgreSQL far less than one each; alone, a call waits no longer than a tick.
// A batch is closed at `maxBatch` inputs or, when a weight is given, once its inputs weigh
// `maxWeight` (ingest weighs bodies in bytes, so one statement never carries hundreds of MiB).
export interface BatchLimits<In> {
  maxBatch?: number;
  maxWeight?: number;
  weigh?: (input: In) => number;
}

export class Batcher<In, Out> {
  private pending: Array<{ input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }> = [];
  private pendingWeight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxWeight: number;
  private readonly weigh: ((input: In) => number) | null;

  constructor(
    /** Runs one statement for every input; returns one result per input, in order. */
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    limits: number | BatchLimits<In> = {},
  ) {
    const options = typeof limits === 'number' ? { maxBatch: limits } : limits;
    this.maxBatch = options.maxBatch ?? 256;
    this.maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
    this.weigh = options.weigh ?? null;
  }

  submit(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      const weight = this.weigh ? this.weigh(input) : 0;
      // A heavy input closes the open batch first, so it does not push that one over the cap.
      if (this.pending.length > 0 && this.pendingWeight + weight > this.maxWeight) this.flush();
      this.pending.push({ input, resolve, reject });
      this.pendingWeight += weight;
      if (this.pending.length >= this.maxBatch || this.pendingWeight >= this.maxWeight) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.pendingWeight = 0;
    if (batch.length === 0) return;
    this.run(batch.map((entry) => entry.input)).then(
      (outputs) => {
        for (const [index, entry] of batch.entries()) entry.resolve(outputs[index] as Out);
      },
      (error) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }
}
