// Ids added in the same tick, grouped by key and cut into groups of at most `maxPerGroup`, are
// handed over together once the tick ends. Under load each BullMQ job costs several Redis
// commands (add, take, complete) on both sides, so first jobs of rows stored together (one
// group-commit statement) go as one job per group instead of one per row.
export class PerTickGroups {
  private pending = new Map<string, string[]>();
  private scheduled = false;

  constructor(
    private readonly maxPerGroup: number,
    /** Called once per tick with every group: its key and its ids, in the order added. */
    private readonly emit: (groups: Array<{ key: string; ids: string[] }>) => void,
  ) {}

  add(key: string, id: string): void {
    const ids = this.pending.get(key);
    if (ids) ids.push(id);
    else this.pending.set(key, [id]);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = new Map();
    const groups: Array<{ key: string; ids: string[] }> = [];
    for (const [key, ids] of pending) {
      for (let start = 0; start < ids.length; start += this.maxPerGroup) {
        groups.push({ key, ids: ids.slice(start, start + this.maxPerGroup) });
      }
    }
    this.emit(groups);
  }
}
