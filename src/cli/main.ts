// Entry point of the `ipn-gateway` command (bin/ipn-gateway.js runs this through tsx).
import { runCli } from './program';

process.exitCode = await runCli(process.argv);
