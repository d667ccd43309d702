/** How the pages write money, times and a space's name in the page's language, and read them back from forms. */
import { DateTime } from 'luxon';
import { BadRequestCode, BadRequestError, type Locale } from '../../../plugin-api';
import type { Money, Space } from '../model';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Digits after the decimal point of a currency's minor unit (2 for EUR, 0 for JPY); 400 for a code that is no ISO 4217 currency. */
export function minorDigits(currency: string): number {
  if (!CURRENCIES.has(currency)) throw new BadRequestError(BadRequestCode.InvalidParameter, `currency must be an ISO 4217 code such as EUR, not ${JSON.stringify(currency.slice(0, 10))}`);
  return moneyFormat('en', currency).resolvedOptions().maximumFractionDigits ?? 2;
}

export function moneyText({ amountMinor, currency }: Money, locale: Locale): string {
  return moneyFormat(locale, currency).format(amountMinor / 10 ** minorDigits(currency));
}

/** One formatter per language and currency (there are about 300 currencies). */
function moneyFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const key = `${locale} ${currency}`;
  let format = moneyFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * An amount typed in a form ("12.50" or "12,50") in minor units of `currency`: 400 INVALID_PARAMETER
 * naming the field when it is not a number or has more decimals than the currency's minor unit.
 */
export function minorUnitsOf(text: string, currency: string, field: string): number {
  const digits = minorDigits(currency);
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(text.trim());
  if (match === null || (match[2]?.length ?? 0) > digits) {
    throw new BadRequestError(BadRequestCode.InvalidParameter, `${field} must be an amount such as ${digits === 0 ? '1200' : '12.50'}, with at most ${digits} decimals (a fraction of a cent cannot be charged)`);
  }
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
}

const DATE_FORMATS = {
  time: { dateStyle: 'medium', timeStyle: 'short' },
  date: { dateStyle: 'long' },
  clock: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  day: { weekday: 'long', day: 'numeric', month: 'long' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/** Formatters by kind, language and zone: making one costs far more than formatting with it, and a calendar formats dozens of times. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 1000;

function formatted(kind: keyof typeof DATE_FORMATS, instant: string | number, locale: Locale, timeZone: string): string {
  const key = `${kind} ${locale} ${timeZone}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatter = new Intl.DateTimeFormat(locale, { ...DATE_FORMATS[kind], timeZone });
    formatters.set(key, formatter);
  }
  return formatter.format(new Date(instant));
}

/** An instant as a date and time in `timeZone` (the space's local time). */
export function timeText(instant: string | number, timeZone: string, locale: Locale): string {
  return formatted('time', instant, locale, timeZone);
}

export function dateText(instant: string | number, locale: Locale, timeZone = 'UTC'): string {
  return formatted('date', instant, locale, timeZone);
}

/** The local wall time (HH:MM) of an instant in a zone. */
export function clockText(ms: number, timeZone: string, locale: Locale): string {
  return formatted('clock', ms, locale, timeZone);
}

/** A local day as "Monday, March 29" in the page's language. */
export function dayText(ms: number, timeZone: string, locale: Locale): string {
  return formatted('day', ms, locale, timeZone);
}

/** A `datetime-local` value (2027-03-28T09:00) read in `timeZone`, as RFC 3339 with that zone's offset; 400 naming the field otherwise. */
export function localToRfc3339(value: string, timeZone: string, field: string): string {
  const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: timeZone }) : undefined;
  if (local === undefined || !local.isValid) {
    throw new BadRequestError(BadRequestCode.InvalidParameter, `${field} must be a date and time such as 2027-03-28T09:00 in ${timeZone}`);
  }
  return local.toISO({ suppressMilliseconds: true })!;
}

/** The name of a space in the page's language, else English, else any. */
export function spaceName(space: Pick<Space, 'name'>, locale: Locale): string {
  return space.name[locale] ?? space.name.en ?? Object.values(space.name)[0] ?? '';
}

/** Comma-separated slugs typed in a form, trimmed, without empties. */
export function listOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Whether a space's verification counts at `nowMs` (asserted and not expired). */
export function verificationInForce(space: Pick<Space, 'verification'>, nowMs: number): boolean {
  return space.verification !== undefined && space.verification.validUntilMs > nowMs;
}

/** A rating's mean (1 to 5) as the page's language writes it: 4.5, 4.25. */
export function averageText(mean: number, locale: Locale): string {
  return mean.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
}
