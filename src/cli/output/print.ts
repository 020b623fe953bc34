// Where command output goes: results on stdout, one list rendering for every resource.
import type { Page } from '../admin/resources';
import { type Column, renderTable } from './table';

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  printLine(JSON.stringify(value, null, 2));
}

/** A page as JSON (`--json`, exactly what the API answered) or as a table with a paging hint. */
export function printPage<T>(
  page: Page<T>,
  columns: readonly Column<T>[],
  asJson: boolean,
  what: string,
): void {
  if (asJson) {
    printJson(page);
    return;
  }
  if (page.data.length === 0) {
    printLine(`no ${what}`);
    return;
  }
  printLine(renderTable(columns, page.data));
  if (page.next_cursor !== null) printLine(`\nmore: add --cursor ${page.next_cursor}`);
}
