// Group commit: calls made while a batch is open (the rest of this tick) share one statement.
// Under load many delivery jobs run at once, and one claim or record statement for all of them
// costs PostgreSQL far less than one each; alone, a call waits no longer than a tick.
export class Batcher<In, Out> {
  private pending: Array<{ input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    /** Runs one statement for every input; returns one result per input, in order. */
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
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
