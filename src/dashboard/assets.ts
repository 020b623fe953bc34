// The stylesheet and script, read once from src/dashboard/assets and served with the pages.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Hono } from 'hono';
import { PROJECT_ROOT } from '../project-root';

const ASSET_FOLDER = path.join(PROJECT_ROOT, 'src', 'dashboard', 'assets');

const ASSETS = {
  'dashboard.css': { type: 'text/css; charset=utf-8', file: 'dashboard.css' },
  'dashboard.js': { type: 'text/javascript; charset=utf-8', file: 'dashboard.js' },
} as const;

export function registerAssets(app: Hono): void {
  for (const [name, asset] of Object.entries(ASSETS)) {
    const content = readFileSync(path.join(ASSET_FOLDER, asset.file), 'utf8');
    app.get(`/assets/${name}`, (c) =>
      c.body(content, 200, {
        'content-type': asset.type,
        'cache-control': 'public, max-age=300',
        'x-content-type-options': 'nosniff',
      }),
    );
  }
}
