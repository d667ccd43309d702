/** Pieces the governance pages share: their paths, sections, dates, percentages and names in the page's language. */
import type { ComponentChildren } from 'preact';
import type { Locale, LocalizedText } from '../../../plugin-api';

export const GOVERNANCE_PAGES = '/plugins/governance';
export const COMMUNITY_PATH = `${GOVERNANCE_PAGES}/community`;
export const PROPOSAL_PATH = `${GOVERNANCE_PAGES}/proposal`;

export const communityPath = (slug: string) => `${COMMUNITY_PATH}/${slug}`;
export const recognitionsPath = (slug: string) => `${communityPath(slug)}/recognitions`;
export const proposalPath = (id: string) => `${PROPOSAL_PATH}/${id}`;

/** A text in the page's language, else English, else any language it has. */
export function localized(text: LocalizedText | undefined, locale: Locale): string {
  if (text === undefined) return '';
  return text[locale] ?? text.en ?? Object.values(text)[0] ?? '';
}

const dateTimes = new Map<Locale, Intl.DateTimeFormat>();

/** An RFC 3339 instant as a date and time in UTC, in the page's language. */
export function dateText(instant: string, locale: Locale): string {
  let format = dateTimes.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC', timeZoneName: 'short' });
    dateTimes.set(locale, format);
  }
  return format.format(new Date(instant));
}

/** A fraction (0.5) as the percentage the rules state (50), in the page's language, with as many decimals as it has. */
export function percentText(fraction: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format(Number((fraction * 100).toPrecision(12)));
}

/** A section with its heading (h2) naming it for assistive technology. */
export function Section({ id, title, children }: { id: string; title: string; children?: ComponentChildren }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
