/**
 * The communities feature's stores. All but `pending_recognitions` are derived from the statements
 * the plugin recorded (a rebuild empties and refills them); `pending_recognitions` holds what
 * adopted proposals asked of an admin (carryOut), which no statement says until the admin signs.
 */
import type { Agent, LocalizedText, PluginStoreDeclaration } from '../../../plugin-api';
import type { ProposalEffect, ProposalKind, RecognitionScope, RuleCriteria, VoterKey } from '../model';

/** Store `communities`, id = the slug. */
export interface StoredCommunity {
  slug: string;
  name: Partial<LocalizedText>;
  description: Partial<LocalizedText>;
  admins: VoterKey[];
  founder: Agent;
  foundedAt: string;
  statementId: string;
}

/**
 * Store `memberships`, one per registration (join, then leave), id = `joinOrder`: the join's stored
 * time (15 digits of ms) then the registration, unique and in time order, so that eligibility pages
 * through the joins stored before a moment on one index and reads the documents in the order they
 * lie (on SQLite, 100,000 members in ≈ 2 s rather than ≈ 7 s with the registration as id).
 */
export interface StoredMembership {
  community: string;
  member: VoterKey;
  agent: Agent;
  registration: string;
  joinStatement: string;
  joinedAt: string;
  joinedMs: number;
  joinedPosition: number;
  joinOrder: string;
  leaveStatement?: string;
  leftAt?: string;
  /** null while a member. */
  leftMs: number | null;
}

/** Store `delegations`, id = the delegation's registration (granted, then revoked). `grantOrder` as joinOrder. */
export interface StoredDelegation {
  id: string;
  community: string;
  delegator: VoterKey;
  delegatorAgent: Agent;
  delegate: VoterKey;
  delegateAgent: Agent;
  /** Every kind when absent. */
  proposalKind?: ProposalKind;
  /** proposalKind, or `all`: what one delegator has at most one of in force. */
  scope: string;
  statementId: string;
  grantedAt: string;
  grantedMs: number;
  position: number;
  grantOrder: string;
  revokeStatement?: string;
  revokedAt?: string;
  /** null while in force. */
  revokedMs: number | null;
}

/** One adopted or retired version of a rule, in feed order. */
export interface RuleVersion {
  statementId: string;
  position: number;
  kind: 'adopted' | 'retired';
  name?: Partial<LocalizedText>;
  criteria?: RuleCriteria;
  proposalId: string;
  at: string;
}

/** Store `rules`, id = `<community>/<rule>`: its versions; in force while the last was adopted. */
export interface StoredRule {
  community: string;
  rule: string;
  versions: RuleVersion[];
  inForce: boolean;
}

/** One granted or withdrawn recognition A → B, in feed order. */
export interface RecognitionVersion {
  statementId: string;
  position: number;
  kind: 'granted' | 'withdrawn';
  scope?: RecognitionScope;
  proposalId: string;
  /** The admin who signed. */
  by: VoterKey;
  at: string;
}

/** Store `recognitions`, id = `<from>/<to>`: in force while the last version was granted. */
export interface StoredRecognition {
  from: string;
  to: string;
  versions: RecognitionVersion[];
  inForce: boolean;
}

/** Store `community_statements`, id = a statement id: the document it contributed to (what voiding it takes back). */
export interface StatementContribution {
  store: 'communities' | 'memberships' | 'delegations' | 'rules' | 'recognitions';
  documentId: string;
  role: 'founded' | 'joined' | 'left' | 'granted' | 'revoked' | 'version';
}

/** Store `pending_recognitions`, id = the adopted proposal's id: a recognition or withdrawal awaiting the admin's signature. */
export interface PendingRecognition {
  community: string;
  proposalId: string;
  registration: string;
  decisionStatementId: string;
  effect: Extract<ProposalEffect, { type: 'recognize' | 'withdraw-recognition' }>;
  adoptedAt: string;
}

export const COMMUNITY_STORES: Record<
  'communities' | 'memberships' | 'delegations' | 'rules' | 'recognitions' | 'community_statements' | 'pending_recognitions',
  PluginStoreDeclaration
> = {
  communities: { derived: true, indexes: [{ name: 'by_slug', fields: ['slug'] }] },
  memberships: {
    derived: true,
    indexes: [
      { name: 'by_join', fields: ['community', 'joinOrder'] },
      { name: 'by_member', fields: ['community', 'member', 'leftMs'] },
      { name: 'by_current', fields: ['community', 'leftMs', 'joinOrder'] },
      { name: 'by_agent', fields: ['member', 'leftMs'] },
      { name: 'by_registration', fields: ['registration'] },
    ],
  },
  delegations: {
    derived: true,
    indexes: [
      { name: 'by_grant', fields: ['community', 'grantOrder'] },
      { name: 'by_delegator', fields: ['community', 'delegator', 'revokedMs'] },
      { name: 'by_delegate', fields: ['community', 'delegate', 'revokedMs'] },
    ],
  },
  rules: { derived: true, indexes: [{ name: 'by_community', fields: ['community', 'inForce', 'rule'] }] },
  recognitions: {
    derived: true,
    indexes: [
      { name: 'by_from', fields: ['from', 'inForce', 'to'] },
      { name: 'by_to', fields: ['to', 'inForce', 'from'] },
    ],
  },
  community_statements: { derived: true },
  pending_recognitions: { indexes: [{ name: 'by_community', fields: ['community', 'adoptedAt'] }] },
};

/** A time-ordered, unique key: 15 digits of ms since the epoch, then `unique`. */
export function orderKey(ms: number, unique: string): string {
  return `${msKey(ms)}:${unique}`;
}

/** The prefix orderKey gives every key of `ms`: keys below it were stored strictly before. */
export function msKey(ms: number): string {
  return String(ms).padStart(15, '0');
}
