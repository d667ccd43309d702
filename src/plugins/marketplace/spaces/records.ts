/**
 * The spaces feature's stores, all derived from the statements this plugin recorded (a rebuild
 * empties and refills them): the spaces with the statements that made them, a small search index
 * per space, and which space each statement belongs to (a voided statement names only itself).
 */
import type { PluginStoreDeclaration } from '../../../plugin-api';
import type { AgentKey, AvailabilityPlan, Space, Verification } from '../model';

/** What the owner lists: a Space without what only the statements decide. */
export type Listing = Pick<
  Space,
  'name' | 'description' | 'address' | 'capacity' | 'amenities' | 'claimedCertifications' | 'claimedAccessibilityFeatures' | 'hourlyRate' | 'timeZone'
>;

/** One statement's contribution to a space (at its timestamp), kept so that voiding it takes exactly that back. */
export interface Contribution<T> {
  statementId: string;
  value: T;
  atMs: number;
}

/**
 * Store `spaces`, id = the space id. The current listing, plan and verification are the last of
 * their lists; `verifications[i].withdrawnBy` marks one a verifier withdrew (a withdrawn last
 * verification leaves the space unverified: an earlier one never comes back).
 */
export interface StoredSpace {
  id: string;
  iri: string;
  owner: Space['owner'];
  ownerKey: AgentKey;
  registeredBy: string;
  registeredMs: number;
  listings: Array<Contribution<Listing>>;
  plans: Array<Contribution<AvailabilityPlan>>;
  verifications: Array<Contribution<Omit<Verification, 'statementId'>> & { withdrawn?: { by: string; atMs: number } }>;
  /** Set while it has a verification that counts (never verified: null), for the verifiers' queue. */
  verifiedUntilMs: number | null;
}

/**
 * Store `space_search`, id = the space id: what search filters on. `cellTiny`…`cellWide`
 * are the space's grid cells (search/geo.ts); the verified fields hold only a verifier's assertion
 * and its expiry, never the owner's claims.
 */
export interface SearchEntry {
  sid: string;
  cellTiny: string;
  cellFine: string;
  cellMid: string;
  cellWide: string;
  latitude: number;
  longitude: number;
  capacity: number;
  currency: string;
  rateMinor: number;
  amenities: string[];
  /** The verification's expiry when it asserts child safety, else null. */
  childSafeUntilMs: number | null;
  /** The verification's expiry, null without one. */
  verifiedUntilMs: number | null;
  verifiedFeatures: string[];
  verifiedCertifications: string[];
  hasPlan: boolean;
}

/** Store `space_statements`, id = a statement id: the space it contributed to. */
export interface StatementOfSpace {
  spaceId: string;
}

/** Retained per list: the last ones (voiding older ones than these changes nothing shown). */
export const KEPT_CONTRIBUTIONS = 20;

const SEARCH_INDEXES = (['cellTiny', 'cellFine', 'cellMid', 'cellWide'] as const).map((cell) => ({ name: `by_${cell.toLowerCase()}`, fields: [cell, 'capacity', 'sid'] }));

export const SPACE_STORES: Record<'spaces' | 'space_search' | 'space_statements', PluginStoreDeclaration> = {
  spaces: {
    derived: true,
    indexes: [
      { name: 'by_owner', fields: ['ownerKey', 'registeredMs'] },
      { name: 'by_verified_until', fields: ['verifiedUntilMs', 'registeredMs'] },
    ],
  },
  space_search: { derived: true, indexes: SEARCH_INDEXES },
  space_statements: { derived: true },
};
