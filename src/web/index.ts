/**
 * The web shell: what pages are built with (docs/web.md explains how). Import from here, not from
 * the files behind it.
 */
export { BarChart, LineChart, MAX_LINE_SERIES, type BarChartProps, type LineChartProps, type LineSeries } from './charts';
export { requestCookies } from './cookies';
export { CSRF_FIELD, CSRF_HEADER, CsrfField, csrfToken, csrfTokensMatch, newCsrfSecret, requireCsrfToken, setSessionCsrfSecret } from './csrf';
export { Choice, Field, formStep, PostForm, Select, TextArea, type FormStep, type InputProps } from './forms';
export { renderNotFound, webErrorHandler, webNotFound, type WebNotFoundOptions } from './error-pages';
export { DEFAULT_LOCALE, defineMessages, LOCALES, type Locale, type LocalizedText, type Messages } from './i18n';
export { SIGN_IN_PATH, SIGN_OUT_PATH } from './layout';
export { usePage, type PageContextValue } from './page-context';
export { renderPage, webPage, type PageMeta, type PageOptions } from './render-page';
export { webRoutes, type WebOptions } from './routes';
export { allowFormTarget, CONTENT_SECURITY_POLICY } from './security-headers';
export { i18n, setViewer, type NavItem, type Viewer } from './web-state';
