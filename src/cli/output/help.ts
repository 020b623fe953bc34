// Help-text helpers shared by every command.

/** An "Examples:" block for addHelpText('after', ...). */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}`;
}
