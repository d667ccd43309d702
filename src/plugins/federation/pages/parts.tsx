import { usePage, type Locale } from '../../../plugin-api';
import { federationConsoleMessages } from './messages';
import type { FilterView } from './views';

export const FEDERATION_CONSOLE_PATH = '/plugins/federation/console';
export const DEAD_LETTERS_PATH = `${FEDERATION_CONSOLE_PATH}/dead-letters`;
/** The core console's page of one stored statement. */
export const consoleStatementPath = (id: string) => `/console/statements/${encodeURIComponent(id)}`;

export function Time({ at }: { at: string }) {
  return <time dateTime={at}>{formatTime(at)}</time>;
}

/** Seconds in UTC, the same in both languages (and short enough for a table cell). */
export function formatTime(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** An agent as its inverse functional identifier, the way filters name it. */
export function agentText(agent: object): string {
  const { mbox, mbox_sha1sum: sha1, openid, account } = agent as { mbox?: string; mbox_sha1sum?: string; openid?: string; account?: { homePage?: string; name?: string } };
  if (account !== undefined) return `${account.name ?? ''} (${account.homePage ?? ''})`;
  return mbox ?? sha1 ?? openid ?? JSON.stringify(agent);
}

/** A subscription's filters, one line per kind given; "every statement" when none is. */
export function Filters({ filters }: { filters: FilterView }) {
  const f = federationConsoleMessages(usePage().locale).filters;
  const lines: Array<[string, string[]]> = [
    [f.agents, (filters.agents ?? []).map(agentText)],
    [f.verbs, filters.verbs ?? []],
    [f.activities, filters.activities ?? []],
    [f.registrations, filters.registrations ?? []],
    [f.profiles, filters.profiles ?? []],
  ];
  return <FilterLines lines={lines.filter(([, values]) => values.length > 0)} />;
}

/** A pull's filters: the xAPI query parameters it sends, as given. */
export function PullFilters({ filters }: { filters: Record<string, string> }) {
  return <FilterLines lines={Object.entries(filters).map(([name, value]) => [name, [value]])} />;
}

function FilterLines({ lines }: { lines: Array<[string, string[]]> }) {
  const f = federationConsoleMessages(usePage().locale).filters;
  if (lines.length === 0) return <>{f.everything}</>;
  return (
    <ul class="filters">
      {lines.map(([label, values]) => (
        <li>
          {label}: {values.join(', ')}
        </li>
      ))}
    </ul>
  );
}
