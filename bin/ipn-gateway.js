#!/usr/bin/env node
// Launcher for the TypeScript CLI: registers tsx's loader, then runs src/cli/main.ts. No build step.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);
