/** Scopes of the federation plugin, held as `plugins/federation/<name>` (docs/federation.md). */
export const FEDERATION_SCOPES = {
  manage: 'manage peers, subscriptions, pulls and dead letters',
  deliver: 'deliver statements into this LRS as a peer: the inbox, statement forwarding, Caliper events',
} as const;

export const PLUGIN_PATH = '/plugins/federation';
/** Where a Keiko peer takes signed deliveries (relative to its public base URL). */
export const INBOX_PATH = `${PLUGIN_PATH}/inbox`;
/** Where a Keiko LRS publishes the key it signs its deliveries with. */
export const IDENTITY_PATH = `${PLUGIN_PATH}/identity`;
