import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Locale, Messages } from './i18n';
import type { Viewer } from './web-state';

/** What every component of a page can read with usePage(): renderPage() provides it. */
export interface PageContextValue {
  locale: Locale;
  t: Messages;
  /** The request's path (no query): marks the current nav link. */
  path: string;
  /** This page's URL in each language (the switcher's links). */
  languageLinks: Record<Locale, string>;
  viewer?: Viewer;
  /** Present when a viewer is signed in: the header's sign-out form carries it. */
  csrfToken?: string;
}

export const PageContext = createContext<PageContextValue | undefined>(undefined);

export function usePage(): PageContextValue {
  const page = useContext(PageContext);
  if (page === undefined) throw new Error('usePage() is only available inside a page rendered by renderPage()');
  return page;
}
