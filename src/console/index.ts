/**
 * The admin console (docs/console.md): web pages under /console for operators signed in with a
 * credential holding `admin`. Import from here, not from the files behind it.
 *
 * Page routers take the shell: `router.use(shell.requireAdmin())` protects them (sets
 * `req.consoleAdmin`, the page's CSRF secret and header viewer), `shell.renderPage(res, …)` renders
 * them with the console's section navigation.
 */
export { CONSOLE_PATH, CONSOLE_SIGN_IN_PATH, CONSOLE_SIGN_OUT_PATH, CONSOLE_SIGN_IN_REQUIRED, type ConsoleAdmin, type ConsoleShell, type ConsoleShellOptions } from './shell';
export { createConsoleShell } from './shell';
export { CONSOLE_SESSION_COOKIE, CONSOLE_SESSION_LIFETIME_MS } from './sessions';
export { consoleRoutes, type ConsoleServices } from './console';
