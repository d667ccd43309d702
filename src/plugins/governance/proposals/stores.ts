import type { PluginStoreDeclaration } from '../../../plugin-api';

/**
 * The proposals feature's stores. Derived from the plugin's own statements (a rebuild replays
 * them): `proposals` (one per proposal-submitted statement, closed by its decision statement),
 * `ballots` (the ballot log: each ballot-cast or ballot-committed statement with its feed position
 * and stored time), `reveals` (ballot-revealed statements, by the commitment they open). Not derived
 * (decided by the plugin, kept by a rebuild): `sealed` (the response and salt of each sealed ballot
 * until the close reveals it), `closes` (each close's progress: its moment, and whether its effect
 * was carried out), `ballot_sets` (the published ballot set of each decision, in chunks).
 */
export const PROPOSAL_STORES: Record<string, PluginStoreDeclaration> = {
  proposals: {
    derived: true,
    indexes: [
      { name: 'community_submitted', fields: ['community', 'submittedAt'] },
      { name: 'state_closes', fields: ['state', 'closesAtMs'] },
    ],
  },
  ballots: {
    derived: true,
    indexes: [
      { name: 'proposal_position', fields: ['proposalId', 'position'] },
      { name: 'proposal_voter', fields: ['proposalId', 'voter', 'position'] },
    ],
  },
  reveals: { derived: true, indexes: [{ name: 'proposal_commitment', fields: ['proposalId', 'commitmentId'] }] },
  sealed: {},
  closes: { indexes: [{ name: 'done', fields: ['done'] }] },
  ballot_sets: { indexes: [{ name: 'proposal_chunk', fields: ['proposalId', 'chunk'] }] },
};
