import type { Request } from 'express';
import { en, type Messages } from './en';
import { es } from './es';

export type { Messages } from './en';

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The cookie and query parameter that choose the language. */
export const LANGUAGE_PARAMETER = 'lang';

const catalogues: Record<Locale, Messages> = { en, es };

/** One text in every language, for labels that live outside the catalogues (e.g. a plugin's nav link). */
export type LocalizedText = Record<Locale, string>;

export function messagesFor(locale: Locale): Messages {
  return catalogues[locale];
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Where a request's language came from: an explicit choice (query) is remembered in the cookie. */
export interface ResolvedLocale {
  locale: Locale;
  chosenInQuery: boolean;
}

/** `?lang=` if valid, else the `lang` cookie if valid, else Accept-Language, else English. */
export function resolveLocale(req: Request, cookies: Record<string, string | undefined>): ResolvedLocale {
  const query = req.query[LANGUAGE_PARAMETER];
  if (isLocale(query)) return { locale: query, chosenInQuery: true };
  const cookie = cookies[LANGUAGE_PARAMETER];
  if (isLocale(cookie)) return { locale: cookie, chosenInQuery: false };
  const accepted = req.acceptsLanguages([...LOCALES]);
  return { locale: isLocale(accepted) ? accepted : DEFAULT_LOCALE, chosenInQuery: false };
}

/**
 * A feature's own messages in both languages, Spanish checked against the English shape:
 *   const passportMessages = defineMessages({ title: 'Passport' }, { title: 'Pasaporte' });
 *   const m = passportMessages(i18n(res).locale);   // or usePage().locale in a component
 */
export function defineMessages<M>(english: M, spanish: NoInfer<M>): (locale: Locale) => M {
  const byLocale: Record<Locale, M> = { en: english, es: spanish };
  return (locale) => byLocale[locale];
}
