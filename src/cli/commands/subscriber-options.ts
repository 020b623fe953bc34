// The delivery options `subscribers add` and `subscribers set` share.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { integerIn } from '../options';

export interface SubscriberOptionFlags {
  livemode?: 'all' | 'live' | 'test';
  ordering?: 'none' | 'transaction';
  rateLimit?: number;
  noRateLimit?: boolean;
  header?: Record<string, string>;
  clearHeaders?: boolean;
}

/** `Name: value`, collected into one object (repeatable). */
function headerLine(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new InvalidArgumentError('expected "Name: value"');
  return { ...previous, [text.slice(0, colon).trim()]: text.slice(colon + 1).trim() };
}

export function addOptionFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--livemode <mode>', 'all, live (livemode true only) or test (false only)').choices([
        'all',
        'live',
        'test',
      ]),
    )
    .addOption(
      new Option(
        '--ordering <ordering>',
        "transaction: a payment's events one after another; none: at once",
      ).choices(['none', 'transaction']),
    )
    .addOption(
      new Option('--rate-limit <n>', 'at most n requests per second to it (1-10000)').argParser(
        integerIn(1, 10_000),
      ),
    )
    .option('--header <line>', 'a static request header "Name: value" (repeatable, up to 10)', headerLine);
}

/** The API fields the flags set (undefined where a flag was not given). */
export function optionFields(flags: SubscriberOptionFlags) {
  return {
    livemode: flags.livemode,
    ordering: flags.ordering,
    rate_limit: flags.noRateLimit ? null : flags.rateLimit,
    headers: flags.clearHeaders ? {} : flags.header,
  };
}
