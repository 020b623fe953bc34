// A pass repeated `intervalMs` after the previous one ended, so passes never overlap in a process;
// stop() waits for a pass in flight, so shutdown never cuts one half way.
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<unknown> | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly pass: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** `immediately`: the first pass right away instead of one interval after start. */
  start({ immediately = false }: { immediately?: boolean } = {}): void {
    const tick = () => {
      this.current = this.pass()
        .catch(this.onError)
        .finally(() => {
          this.current = null;
          if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, immediately ? 0 : this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }
}
