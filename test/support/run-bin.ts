// Runs the real `ipn-gateway` bin as a child process.
import { execFile } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve('bin/ipn-gateway.js');

export interface BinRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runBin(args: string[], env: Record<string, string>): Promise<BinRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
