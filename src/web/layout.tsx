import type { ComponentChildren } from 'preact';
import { CsrfField } from './csrf';
import { LOCALES, type Locale } from './i18n';
import { usePage } from './page-context';
import { STYLESHEET_HREF } from './static-files';
import type { PageMeta } from './render-page';
import type { NavItem } from './web-state';

export const SIGN_IN_PATH = '/sign-in';
export const SIGN_OUT_PATH = '/sign-out';
const API_DOCS_PATH = '/docs';

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

export interface LayoutProps {
  /** The page's heading (h1) and, followed by "· Keiko", its <title>. */
  title: string;
  description?: string;
  /** Links after Home in the header's navigation. */
  nav: NavItem[];
  /** Module scripts of this origin (PageOptions.scripts). */
  scripts?: string[];
  meta?: PageMeta[];
  children: ComponentChildren;
}

/** The whole document: skip link, header (site name, navigation, account, language), main, footer. */
export function Layout({ title, description, nav, scripts = [], meta = [], children }: LayoutProps) {
  const { locale, t } = usePage();
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t.site.name}`}</title>
        {description && <meta name="description" content={description} />}
        {meta.map(({ property, content }) => (
          <meta property={property} content={content} />
        ))}
        <link rel="stylesheet" href={STYLESHEET_HREF} />
        <link rel="icon" href="data:," />
        {scripts.map((src) => (
          <script type="module" src={src} />
        ))}
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t.site.skipToContent}
        </a>
        <header class="site-header">
          <div class="container site-header__bar">
            <a class="site-name" href="/">
              {t.site.name}
            </a>
            <SiteNavigation nav={nav} />
            <div class="site-tools">
              <Account />
              <LanguageSwitcher />
            </div>
          </div>
        </header>
        <main id="main" class="container" tabindex={-1}>
          <h1>{title}</h1>
          {children}
        </main>
        <footer class="site-footer">
          <div class="container">
            <p>{t.site.footer}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

function SiteNavigation({ nav }: { nav: NavItem[] }) {
  const { locale, t, path, viewer } = usePage();
  const listed = nav.filter((item) => item.role === undefined || (viewer?.roles.includes(item.role) ?? false));
  const links = [{ href: '/', label: t.site.home }, ...listed.map((item) => ({ href: item.href, label: item.label[locale] })), { href: API_DOCS_PATH, label: t.site.apiDocs }];
  return (
    <nav class="site-nav" aria-label={t.site.mainNavigation}>
      <ul>
        {links.map((link) => (
          <li key={link.href}>
            <a href={link.href} aria-current={link.href === path ? 'page' : undefined}>
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Account() {
  const { t, viewer, csrfToken } = usePage();
  if (viewer === undefined || csrfToken === undefined) {
    return (
      <a class="button button--secondary" href={SIGN_IN_PATH}>
        {t.site.signIn}
      </a>
    );
  }
  return (
    <form class="account" method="post" action={viewer.signOutPath ?? SIGN_OUT_PATH}>
      <span class="account__name">{t.site.signedInAs(viewer.displayName)}</span>
      <CsrfField token={csrfToken} />
      <button class="button button--secondary" type="submit">
        {t.site.signOut}
      </button>
    </form>
  );
}

/** Plain links (no script): each sets the `lang` cookie through `?lang=` on the same page. */
function LanguageSwitcher() {
  const { locale, t, languageLinks } = usePage();
  return (
    <nav class="language-switcher" aria-label={t.site.language}>
      <ul>
        {LOCALES.map((other) => (
          <li key={other}>
            <a href={languageLinks[other]} lang={other} hrefLang={other} aria-current={other === locale ? 'true' : undefined}>
              {LANGUAGE_NAMES[other]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
