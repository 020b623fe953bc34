import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding package.json, found from this module's location, so files shipped beside
 * the code (migrations, dashboard assets) resolve the same from src/ and from the dist/ bundle.
 */
function findProjectRoot(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('cannot find the ipn-gateway folder (no package.json above)');
    directory = parent;
  }
  return directory;
}

export const PROJECT_ROOT = findProjectRoot();
