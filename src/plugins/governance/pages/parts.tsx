/** Pieces the governance pages share: their paths, labelled fields, forms, dates and names in the page's language. */
import type { ComponentChildren } from 'preact';
import { CsrfField, usePage, type Locale, type LocalizedText } from '../../../plugin-api';
import { governanceMessages } from './messages';

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

interface InputProps {
  type?: 'text' | 'number' | 'datetime-local';
  value?: string;
  required?: boolean;
  min?: number | string;
  max?: number | string;
  step?: number | string;
  maxLength?: number;
  pattern?: string;
}

/** A labelled input, with a hint screen readers read with it. */
export function Field({ id, name, label, hint, ...input }: { id: string; name: string; label: string; hint?: string } & InputProps) {
  const hintId = `${id}-hint`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} name={name} {...(hint !== undefined && { 'aria-describedby': hintId })} {...input} />
      {hint !== undefined && <p id={hintId}>{hint}</p>}
    </div>
  );
}

export function TextArea({ id, name, label, required = false }: { id: string; name: string; label: string; required?: boolean }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} name={name} rows={3} maxLength={4000} required={required} />
    </div>
  );
}

/** A labelled select of `options` (value, text). */
export function Select({ id, name, label, options, value }: { id: string; name: string; label: string; options: Array<[string, string]>; value?: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        {options.map(([option, text]) => (
          <option value={option} selected={option === value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A form posting to `action` with the page's CSRF token, its fields and one submit button. */
export function PostForm({ action, csrf, submit, secondary = false, children }: { action: string; csrf: string; submit: string; secondary?: boolean; children?: ComponentChildren }) {
  return (
    <form method="post" action={action}>
      <CsrfField token={csrf} />
      {children}
      <button type="submit" {...(secondary && { class: 'button--secondary' })}>
        {submit}
      </button>
    </form>
  );
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

/** What went wrong with a form's step: the code explained in the page's language, the service's words, the way back. */
export function Problem({ code, message, back }: { code: string; message: string; back: string }) {
  const m = governanceMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.problems[code] ?? m.problemGeneric}</p>
      <p>
        {m.problemDetails}: {message}
      </p>
      <p>
        <a href={back}>{m.problemBack}</a>
      </p>
    </>
  );
}
