// Starts bench/fake-paypal-server.ts and reads how many postbacks it has answered.
import { type BenchChild, startChild } from './child-process';

export interface FakePaypal {
  verifyUrl: string;
  /** Postbacks answered so far. */
  postbacks(): Promise<number>;
  stop(): Promise<void>;
}

export async function startFakePaypal(): Promise<FakePaypal> {
  const child: BenchChild = await startChild({
    name: 'fake PayPal',
    entry: 'bench/fake-paypal-server.ts',
    env: {},
    ready: /fake PayPal listening on (http:\/\/\S+)/,
  });
  const lastCount = () => {
    const all = [...child.output().matchAll(/postbacks (\d+)/g)];
    return Number(all.at(-1)?.[1] ?? -1);
  };
  return {
    verifyUrl: `${child.ready[1]}/cgi-bin/webscr`,
    async postbacks() {
      const before = child.output().length;
      child.process.kill('SIGUSR2');
      const deadline = Date.now() + 2_000;
      while (child.output().length === before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return lastCount();
    },
    stop: () => child.stop(3_000),
  };
}
