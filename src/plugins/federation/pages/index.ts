/** The federation plugin's admin console pages (docs/federation.md): the overview and the dead letters with replay. */
export { DEAD_LETTERS_SHOWN, FEDERATION_CONSOLE_SECTION, federationConsole, type FederationConsoleOptions } from './routes';
export { federationConsoleSources, type FederationServices } from './sources';
export { DEAD_LETTERS_PATH, FEDERATION_CONSOLE_PATH } from './parts';
export type { BreakerView, DeadLetterRow, FederationConsoleSources, FederationOverview, FilterView, PeerRow, PullRow, ReplayAllOutcome, SubscriptionRow } from './views';
