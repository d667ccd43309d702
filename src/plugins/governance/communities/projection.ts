/**
 * Builds the communities' derived stores from the statements the plugin recorded, idempotently by
 * statement id (a statement applied twice changes nothing the second time), and takes a voided
 * statement's contribution back (a voided statement counts nowhere).
 */
import { ConflictError, ifiKey, type Agent, type Collection, type FeedStatement, type StoredDocument } from '../../../plugin-api';
import type { CommunityFact } from './statements';
import {
  orderKey,
  type RecognitionVersion,
  type RuleVersion,
  type StatementContribution,
  type StoredCommunity,
  type StoredDelegation,
  type StoredMembership,
  type StoredRecognition,
  type StoredRule,
} from './records';

const UPDATE_ATTEMPTS = 20;

export interface CommunityStores {
  communities: Collection<StoredCommunity>;
  memberships: Collection<StoredMembership>;
  delegations: Collection<StoredDelegation>;
  rules: Collection<StoredRule>;
  recognitions: Collection<StoredRecognition>;
  contributions: Collection<StatementContribution>;
}

interface Recorded {
  id: string;
  actor: Agent;
  key: string;
  stored: string;
  storedMs: number;
  position: number;
}

export class CommunityProjection {
  constructor(private readonly stores: CommunityStores) {}

  async applyFact(record: FeedStatement, fact: CommunityFact): Promise<void> {
    const actor = record.statement.actor as Agent;
    const key = ifiKey(actor);
    if (key === undefined) return;
    const at: Recorded = { id: record.id, actor, key, stored: record.stored.toISOString(), storedMs: record.stored.getTime(), position: record.position };
    const contribution = await this.contributionOf(fact, at);
    if (contribution !== undefined) await this.stores.contributions.put(record.id, contribution);
  }

  /** Takes back what the statement contributed, if anything. */
  async unapply(statementId: string): Promise<void> {
    const contribution = await this.stores.contributions.get(statementId);
    if (contribution === undefined) return;
    const { store, documentId, role } = contribution.value;
    if (role === 'founded' || role === 'joined' || role === 'granted') await this.stores[store].delete(documentId);
    else if (role === 'left') await this.change(this.stores.memberships, documentId, ({ leaveStatement: _s, leftAt: _a, ...membership }) => ({ ...membership, leftMs: null }));
    else if (role === 'revoked') await this.change(this.stores.delegations, documentId, ({ revokeStatement: _s, revokedAt: _a, ...delegation }) => ({ ...delegation, revokedMs: null }));
    else if (store === 'rules') await this.change(this.stores.rules, documentId, (rule) => withRuleVersions(rule, rule.versions.filter((version) => version.statementId !== statementId)));
    else await this.change(this.stores.recognitions, documentId, (recognition) => withRecognitionVersions(recognition, recognition.versions.filter((version) => version.statementId !== statementId)));
    await this.stores.contributions.delete(statementId);
  }

  /** The contribution the statement made (undefined when it changes nothing: not an allowed step). */
  private async contributionOf(fact: CommunityFact, at: Recorded): Promise<StatementContribution | undefined> {
    switch (fact.kind) {
      case 'founded': {
        const community: StoredCommunity = { slug: fact.slug, name: fact.name, description: fact.description, admins: [at.key], founder: at.actor, foundedAt: at.stored, statementId: at.id };
        const made = await this.made(this.stores.communities, fact.slug, community, (stored) => stored.statementId);
        return made ? { store: 'communities', documentId: fact.slug, role: 'founded' } : undefined;
      }
      case 'joined': {
        const membership: StoredMembership = {
          community: fact.slug,
          member: at.key,
          agent: at.actor,
          registration: fact.registration,
          joinStatement: at.id,
          joinedAt: at.stored,
          joinedMs: at.storedMs,
          joinedPosition: at.position,
          joinOrder: orderKey(at.storedMs, fact.registration),
          leftMs: null,
        };
        const documentId = (await membershipByRegistration(this.stores.memberships, fact.registration))?.id ?? membership.joinOrder;
        const made = await this.made(this.stores.memberships, documentId, membership, (stored) => stored.joinStatement, (stored) =>
          stored.joinedPosition === at.position ? undefined : { ...stored, joinedPosition: at.position },
        );
        return made ? { store: 'memberships', documentId, role: 'joined' } : undefined;
      }
      case 'left': {
        const joined = await membershipByRegistration(this.stores.memberships, fact.registration);
        const ended =
          joined !== undefined &&
          (await this.ended(this.stores.memberships, joined.id, (membership) =>
            membership.member === at.key && (membership.leaveStatement ?? at.id) === at.id ? { ...membership, leaveStatement: at.id, leftAt: at.stored, leftMs: at.storedMs } : undefined,
          ));
        return ended ? { store: 'memberships', documentId: joined.id, role: 'left' } : undefined;
      }
      case 'granted':
        return this.granted(fact, at);
      case 'revoked':
        return (await this.ended(this.stores.delegations, fact.registration, (delegation) =>
          delegation.delegator === at.key && (delegation.revokeStatement ?? at.id) === at.id ? { ...delegation, revokeStatement: at.id, revokedAt: at.stored, revokedMs: at.storedMs } : undefined,
        ))
          ? { store: 'delegations', documentId: fact.registration, role: 'revoked' }
          : undefined;
      case 'rule-adopted':
      case 'rule-retired':
        return this.ruleVersion(fact, at);
      case 'recognized':
      case 'withdrew':
        return this.recognitionVersion(fact, at);
    }
  }

  private async granted(fact: Extract<CommunityFact, { kind: 'granted' }>, at: Recorded): Promise<StatementContribution | undefined> {
    const delegateKey = ifiKey(fact.delegate);
    if (delegateKey === undefined) return undefined;
    const delegation: StoredDelegation = {
      id: fact.registration,
      community: fact.slug,
      delegator: at.key,
      delegatorAgent: at.actor,
      delegate: delegateKey,
      delegateAgent: fact.delegate,
      ...(fact.proposalKind !== undefined && { proposalKind: fact.proposalKind }),
      scope: fact.proposalKind ?? 'all',
      statementId: at.id,
      grantedAt: at.stored,
      grantedMs: at.storedMs,
      position: at.position,
      grantOrder: orderKey(at.storedMs, fact.registration),
      revokedMs: null,
    };
    const made = await this.made(this.stores.delegations, fact.registration, delegation, (stored) => stored.statementId, (stored) =>
      stored.position === at.position ? undefined : { ...stored, position: at.position },
    );
    return made ? { store: 'delegations', documentId: fact.registration, role: 'granted' } : undefined;
  }

  private async ruleVersion(fact: Extract<CommunityFact, { kind: 'rule-adopted' | 'rule-retired' }>, at: Recorded): Promise<StatementContribution> {
    const version: RuleVersion = {
      statementId: at.id,
      position: at.position,
      kind: fact.kind === 'rule-adopted' ? 'adopted' : 'retired',
      ...(fact.kind === 'rule-adopted' && { name: fact.name, criteria: fact.criteria }),
      proposalId: fact.proposalId,
      at: at.stored,
    };
    const documentId = `${fact.slug}/${fact.rule}`;
    const empty: StoredRule = { community: fact.slug, rule: fact.rule, versions: [], inForce: false };
    await this.upsert(this.stores.rules, documentId, empty, (rule) => withRuleVersions(rule, withVersion(rule.versions, version)));
    return { store: 'rules', documentId, role: 'version' };
  }

  private async recognitionVersion(fact: Extract<CommunityFact, { kind: 'recognized' | 'withdrew' }>, at: Recorded): Promise<StatementContribution | undefined> {
    let documentId: string;
    if (fact.kind === 'recognized') documentId = `${fact.from}/${fact.to}`;
    else {
      const granted = await this.stores.contributions.get(fact.recognition);
      if (granted === undefined || granted.value.store !== 'recognitions') return undefined;
      documentId = granted.value.documentId;
    }
    const version: RecognitionVersion = {
      statementId: at.id,
      position: at.position,
      kind: fact.kind === 'recognized' ? 'granted' : 'withdrawn',
      ...(fact.kind === 'recognized' && { scope: fact.scope }),
      proposalId: fact.proposalId,
      by: at.key,
      at: at.stored,
    };
    const [from, to] = documentId.split('/') as [string, string];
    const empty: StoredRecognition = { from, to, versions: [], inForce: false };
    await this.upsert(this.stores.recognitions, documentId, empty, (recognition) => withRecognitionVersions(recognition, withVersion(recognition.versions, version)));
    return { store: 'recognitions', documentId, role: 'version' };
  }

  /**
   * Inserts the document a statement makes, once: applied again, only `reposition` changes it (its
   * feed position, when a route applied it at the feed's head first). False when another statement made it.
   */
  private async made<T extends object>(collection: Collection<T>, id: string, document: T, madeBy: (value: T) => string, reposition?: (value: T) => T | undefined): Promise<boolean> {
    const existing = await collection.get(id);
    if (existing === undefined) return (await collection.insert(id, document)) || madeBy((await collection.get(id))!.value) === madeBy(document);
    if (madeBy(existing.value) !== madeBy(document)) return false;
    if (reposition !== undefined) await this.change(collection, id, reposition);
    return true;
  }

  /** Applies `end` to an existing document; whether it applied (or had applied) the statement. */
  private async ended<T extends object>(collection: Collection<T>, id: string, end: (value: T) => T | undefined): Promise<boolean> {
    let applied = false;
    await this.change(collection, id, (value) => {
      const next = end(value);
      applied = next !== undefined;
      return next;
    });
    return applied;
  }

  private async upsert<T extends object>(collection: Collection<T>, id: string, empty: T, edit: (value: T) => T): Promise<void> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt += 1) {
      const stored = await collection.get(id);
      const written = stored === undefined ? await collection.insert(id, edit(empty)) : await collection.update(id, edit(stored.value), stored.revision);
      if (written) return;
    }
    throw new ConflictError('COMMUNITY_CHANGED', `${id} kept changing; retry`);
  }

  /** Replaces an existing document by `edit` of it (undefined: leaves it), retried when another writer changed it meanwhile. */
  private async change<T extends object>(collection: Collection<T>, id: string, edit: (value: T) => T | undefined): Promise<void> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt += 1) {
      const stored = await collection.get(id);
      if (stored === undefined) return;
      const next = edit(stored.value);
      if (next === undefined || (await collection.update(id, next, stored.revision))) return;
    }
    throw new ConflictError('COMMUNITY_CHANGED', `${id} kept changing; retry`);
  }
}

/** The membership document of a registration (its id is the join's time order, not the registration). */
export async function membershipByRegistration(memberships: Collection<StoredMembership>, registration: string): Promise<StoredDocument<StoredMembership> | undefined> {
  const [found] = await memberships.find({ where: { registration }, limit: 1 });
  return found;
}

/**
 * The versions with `version` in feed order, once: a statement applied again changes nothing but
 * its position (a route applied it at the feed's head before the delivery did).
 */
function withVersion<V extends { statementId: string; position: number }>(versions: V[], version: V): V[] {
  const others = versions.filter((existing) => existing.statementId !== version.statementId);
  const kept = versions.find((existing) => existing.statementId === version.statementId);
  return [...others, kept === undefined ? version : { ...kept, position: version.position }].sort((one, other) => one.position - other.position);
}

function withRuleVersions(rule: StoredRule, versions: RuleVersion[]): StoredRule {
  return { ...rule, versions, inForce: versions.at(-1)?.kind === 'adopted' };
}

function withRecognitionVersions(recognition: StoredRecognition, versions: RecognitionVersion[]): StoredRecognition {
  return { ...recognition, versions, inForce: versions.at(-1)?.kind === 'granted' };
}
