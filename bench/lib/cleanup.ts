// Last-in-first-out cleanup steps (children, databases, Redis keys, temp dirs), run once at the
// end of the bench, on failure, or on SIGINT/SIGTERM.
type Step = { name: string; run: () => Promise<void> | void };

const steps: Step[] = [];
// Steps registered while shutting down run at once; cleanupAll() also waits for them.
const late = new Set<Promise<void>>();
let shuttingDown = false;
let running: Promise<void> | null = null;

async function runStep(step: Step): Promise<void> {
  try {
    await step.run();
  } catch (error) {
    console.error(`cleanup "${step.name}" failed: ${error instanceof Error ? error.message : error}`);
  }
}

/** Registers a step; the returned function runs it early and removes it. */
export function onCleanup(name: string, run: Step['run']): () => Promise<void> {
  const step = { name, run };
  if (shuttingDown) {
    // A resource created after an abort began (its creation was already in flight).
    const done = runStep(step);
    late.add(done);
    return () => done;
  }
  steps.push(step);
  return async () => {
    const index = steps.indexOf(step);
    if (index < 0) return;
    steps.splice(index, 1);
    await run();
  };
}

/** Runs every registered step, newest first; a failing step is reported and skipped. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (steps.length > 0) await runStep(steps.pop() as Step);
    await Promise.all([...late]);
  })().finally(() => {
    running = null;
  });
  return running;
}

/** For an abort: from now on new resources are released as soon as they are registered. */
export async function shutDown(settleMs: number): Promise<void> {
  shuttingDown = true;
  await cleanupAll();
  // Creations already in flight (a CREATE DATABASE, a child starting) register within this time.
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  await cleanupAll();
}
