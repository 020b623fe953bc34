// An abort signal that fires after `ms`, for one outbound request. AbortSignal.timeout does the
// same, but keeps every signal in a weak registry until it is collected, which showed up in the
// delivery profile (signal creation and GC); a plain timer is cleared as soon as the request ends.
export interface Deadline {
  signal: AbortSignal;
  /** Call when the request is over, answered or not. */
  clear(): void;
}

export function deadline(ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')),
    ms,
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
