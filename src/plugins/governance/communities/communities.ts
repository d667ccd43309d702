/**
 * Communities (docs/governance.md): founding, membership, liquid delegation, rules adopted and
 * retired by adopted proposals, and recognitions A → B signed by A's admin. Every write is a
 * statement of the governance profile recorded by the plugin; the stores are built only from the
 * statements it recorded (`apply`), so a rebuild gives them back and a client POSTing the same
 * verbs to /xapi changes nothing.
 */
import {
  ConflictError,
  HttpError,
  NotFoundError,
  recordedByPlugin,
  type Collection,
  type CommunityRecognition,
  type CommunityRule,
  type FeedEvent,
  type LocalizedText,
  type Party,
  type PluginStatements,
} from '../../../plugin-api';
import type { AdoptedProposals, CommunityDirectory, CommunityView, Delegation, Membership, ProposalEffect, ProposalKind, ProposalView, VoterKey } from '../model';
import { communityIri, ruleIri } from '../vocabulary';
import { closedCycle, type DelegationEdge } from './cycles';
import { parseDelegation, parseFounding, parseSlug } from './input';
import { CommunityProjection, membershipByRegistration, type CommunityStores } from './projection';
import {
  msKey,
  type PendingRecognition,
  type StoredCommunity,
  type StoredDelegation,
  type StoredMembership,
  type StoredRecognition,
  type StoredRule,
} from './records';
import {
  FactReader,
  foundedStatement,
  grantedStatement,
  ids,
  joinedStatement,
  leftStatement,
  recognizedStatement,
  revokedStatement,
  ruleAdoptedStatement,
  ruleRetiredStatement,
  withdrawnStatement,
  type CommunityRef,
  type ProposalRef,
} from './statements';

export const PLUGIN_NAME = 'governance';
/** A page of the store (its most per query). */
const PAGE = 1000;

export interface CommunitiesOptions {
  store: (name: string) => Collection<any>;
  statements: PluginStatements;
  publicUrl: string;
  /** proposals/'s Proposals, set after both exist (index.ts wires both ways). */
  proposals: () => AdoptedProposals | undefined;
  now?: () => number;
}

/** A delegation with both Agents, as routes and pages show it. */
export type DelegationDetails = Delegation & { delegatorAgent: StoredDelegation['delegatorAgent']; delegateAgent: StoredDelegation['delegateAgent'] };

/** A recognition as the community page lists it: in force, or awaiting the admin's signature. */
export interface PendingRecognitionView {
  proposalId: string;
  community: string;
  type: PendingRecognition['effect']['type'];
  to: string;
  scope?: CommunityRecognition['scope'];
  decisionStatementId: string;
  adoptedAt: string;
}

export class Communities implements CommunityDirectory {
  private readonly stores: CommunityStores;
  private readonly pending: Collection<PendingRecognition>;
  private readonly projection: CommunityProjection;
  private readonly reader: FactReader;
  private readonly statements: PluginStatements;
  private readonly publicUrl: string;
  private readonly proposals: () => AdoptedProposals | undefined;
  private readonly now: () => number;

  constructor({ store, statements, publicUrl, proposals, now = Date.now }: CommunitiesOptions) {
    this.stores = {
      communities: store('communities'),
      memberships: store('memberships'),
      delegations: store('delegations'),
      rules: store('rules'),
      recognitions: store('recognitions'),
      contributions: store('community_statements'),
    };
    this.pending = store('pending_recognitions');
    this.projection = new CommunityProjection(this.stores);
    this.reader = new FactReader(publicUrl);
    this.statements = statements;
    this.publicUrl = publicUrl;
    this.proposals = proposals;
    this.now = now;
  }

  /** Builds the stores from the statements this plugin recorded; idempotent by statement id. */
  async apply(events: FeedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'voided') await this.projection.unapply(event.statementId);
      else if (recordedByPlugin(event.statement.statement, PLUGIN_NAME)) {
        const fact = this.reader.factOf(event.statement.statement);
        if (fact !== undefined) await this.projection.applyFact(event.statement, fact);
      }
    }
  }

  // ---- communities ----

  async community(slug: string): Promise<CommunityView | undefined> {
    const stored = await this.stores.communities.get(slug);
    return stored && this.view(stored.value);
  }

  /** The community, or 404 COMMUNITY_NOT_FOUND. */
  async existing(slug: string): Promise<CommunityView> {
    const community = await this.community(parseSlug(slug));
    if (community === undefined) throw new NotFoundError(`No community ${slug}`, 'COMMUNITY_NOT_FOUND');
    return community;
  }

  /** Communities by slug, after `after` (a slug), at most `limit`. */
  async list({ after, limit = 100 }: { after?: string; limit?: number } = {}): Promise<CommunityView[]> {
    const found = await this.stores.communities.find({ where: after === undefined ? {} : { slug: { gt: after } }, orderBy: [{ field: 'slug' }], limit });
    return Promise.all(found.map(({ value }) => this.view(value)));
  }

  /** Founds a community (the caller checked the role or scope): its founder is its first admin and joins it. */
  async found(party: Party, input: unknown): Promise<CommunityView> {
    const founding = parseFounding(input);
    if ((await this.stores.communities.get(founding.slug)) !== undefined) throw taken(founding.slug);
    const ref: CommunityRef = founding;
    const registration = ids.membership(founding.slug, party.key, 0);
    const recorded = await this.record([foundedStatement(this.publicUrl, party.agent, ref), joinedStatement(this.publicUrl, party.agent, ref, registration)]);
    const community = await this.community(founding.slug);
    if (!recorded || community === undefined || !community.admins.includes(party.key)) throw taken(founding.slug);
    return community;
  }

  async isAdmin(slug: string, who: VoterKey): Promise<boolean> {
    const stored = await this.stores.communities.get(slug);
    return stored?.value.admins.includes(who) ?? false;
  }

  // ---- membership ----

  async isMember(slug: string, member: VoterKey): Promise<boolean> {
    return (await this.currentMembership(slug, member)) !== undefined;
  }

  /** The member's current membership, undefined when not a member. */
  async membershipOf(slug: string, member: VoterKey): Promise<Membership | undefined> {
    const current = await this.currentMembership(slug, member);
    return current && membershipView(current);
  }

  /** Current members, in the order they joined, after the joinOrder `after`, at most `limit` (with the cursor of the next page). */
  async membersOf(slug: string, limit = 100, after?: string): Promise<{ members: Membership[]; next?: string }> {
    const where = { community: slug, leftMs: null, ...(after !== undefined && { joinOrder: { gt: after } }) };
    const found = await this.stores.memberships.find({ where, orderBy: [{ field: 'joinOrder' }], limit: limit + 1 });
    const page = found.slice(0, limit);
    return { members: page.map(({ value }) => membershipView(value)), ...(found.length > limit && { next: page.at(-1)!.value.joinOrder }) };
  }

  async join(party: Party, slug: string): Promise<Membership> {
    const community = await this.existingRef(slug);
    if (await this.isMember(slug, party.key)) throw new ConflictError('ALREADY_MEMBER', `You are already a member of ${slug}`);
    const sequence = await this.stores.memberships.count({ community: slug, member: party.key });
    const registration = ids.membership(slug, party.key, sequence);
    await this.recordOrConflict([joinedStatement(this.publicUrl, party.agent, community, registration)], 'MEMBERSHIP_CHANGED');
    return (await this.membershipOf(slug, party.key)) ?? notApplied();
  }

  async leave(party: Party, slug: string): Promise<Membership> {
    const community = await this.existingRef(slug);
    const current = await this.currentMembership(slug, party.key);
    if (current === undefined) throw new ConflictError('NOT_A_MEMBER', `You are not a member of ${slug}`);
    await this.recordOrConflict([leftStatement(this.publicUrl, party.agent, community, current.registration)], 'MEMBERSHIP_CHANGED');
    const left = await membershipByRegistration(this.stores.memberships, current.registration);
    return membershipView(left?.value ?? current);
  }

  /** Members eligible for a proposal opening at `opensAt`: joined (stored) before it and not left before it. */
  async eligibleAt(slug: string, opensAt: string): Promise<VoterKey[]> {
    const opensMs = Date.parse(opensAt);
    const eligible = new Set<VoterKey>();
    for await (const membership of this.pages(this.stores.memberships, slug, 'joinOrder', msKey(opensMs))) {
      if (membership.leftMs === null || membership.leftMs >= opensMs) eligible.add(membership.member);
    }
    return [...eligible];
  }

  /** Whether one member is eligible for a proposal opening at `opensAt` (eligibleAt for one). */
  async isEligible(slug: string, member: VoterKey, opensAt: string): Promise<boolean> {
    const opensMs = Date.parse(opensAt);
    const memberships = await this.stores.memberships.find({ where: { community: slug, member, joinedMs: { lt: opensMs } }, limit: PAGE });
    return memberships.some(({ value }) => value.leftMs === null || value.leftMs >= opensMs);
  }

  // ---- delegation ----

  /** Delegations in force at `at` (granted before, not revoked before), every scope. */
  async delegationsAt(slug: string, at: string): Promise<Delegation[]> {
    const atMs = Date.parse(at);
    const inForce: Delegation[] = [];
    for await (const delegation of this.pages(this.stores.delegations, slug, 'grantOrder', msKey(atMs))) {
      if (delegation.revokedMs === null || delegation.revokedMs >= atMs) inForce.push(delegationView(delegation));
    }
    return inForce;
  }

  /** The member's delegations in force: given (at most one per scope) and received. */
  async delegationsBy(slug: string, member: VoterKey): Promise<{ given: DelegationDetails[]; received: DelegationDetails[] }> {
    const [given, received] = await Promise.all([
      this.stores.delegations.find({ where: { community: slug, delegator: member, revokedMs: null }, limit: PAGE }),
      this.stores.delegations.find({ where: { community: slug, delegate: member, revokedMs: null }, limit: PAGE }),
    ]);
    return { given: given.map(({ value }) => delegationDetails(value)), received: received.map(({ value }) => delegationDetails(value)) };
  }

  /**
   * Delegates the party's vote in the community (every kind, or one proposal kind) to another
   * member; a delegation of the same scope in force is revoked in the same batch. 403 NOT_A_MEMBER,
   * 409 DELEGATE_NOT_A_MEMBER, 400 SELF_DELEGATION, 409 DELEGATION_CYCLE.
   */
  async delegate(party: Party, slug: string, input: unknown): Promise<{ delegation: DelegationDetails; created: boolean }> {
    const community = await this.existingRef(slug);
    const { delegate, delegateKey, proposalKind } = parseDelegation(input);
    if (!(await this.isMember(slug, party.key))) throw new HttpError(403, 'NOT_A_MEMBER', `Only members of ${slug} may delegate their vote in it`);
    if (delegateKey === party.key) throw new HttpError(400, 'SELF_DELEGATION', 'You cannot delegate your vote to yourself');
    if (!(await this.isMember(slug, delegateKey))) throw new ConflictError('DELEGATE_NOT_A_MEMBER', `The delegate is not a member of ${slug}`);
    const scope = proposalKind ?? 'all';
    const previous = (await this.inForceOf(slug, party.key)).find((delegation) => delegation.scope === scope);
    if (previous?.delegate === delegateKey) return { delegation: delegationDetails(previous), created: false };
    const cycle = await closedCycle({ delegator: party.key, delegate: delegateKey, proposalKind }, async (member) => (await this.inForceOf(slug, member)).map(edgeOf));
    if (cycle !== undefined) throw new ConflictError('DELEGATION_CYCLE', `This delegation would close a cycle of delegations for ${cycle} proposals: your vote would come back to you`);
    const registration = ids.delegation(slug, party.key, await this.stores.delegations.count({ community: slug, delegator: party.key }));
    const revoke = previous === undefined ? [] : [revokedStatement(this.publicUrl, party.agent, community, previous.id)];
    await this.recordOrConflict([...revoke, grantedStatement(this.publicUrl, party.agent, delegate, community, registration, proposalKind)], 'DELEGATION_CHANGED');
    const granted = await this.stores.delegations.get(registration);
    return { delegation: granted === undefined ? notApplied() : delegationDetails(granted.value), created: true };
  }

  /** Revokes one of the party's delegations (only its delegator may). 404 DELEGATION_NOT_FOUND, 403 NOT_YOUR_DELEGATION, 409 ALREADY_REVOKED. */
  async revokeDelegation(party: Party, slug: string, delegationId: string): Promise<DelegationDetails> {
    const community = await this.existingRef(slug);
    const stored = await this.stores.delegations.get(delegationId);
    if (stored === undefined || stored.value.community !== slug) throw new NotFoundError(`No delegation ${delegationId} in ${slug}`, 'DELEGATION_NOT_FOUND');
    if (stored.value.delegator !== party.key) throw new HttpError(403, 'NOT_YOUR_DELEGATION', 'Only the member who delegated may revoke a delegation');
    if (stored.value.revokedMs !== null) throw new ConflictError('ALREADY_REVOKED', `Delegation ${delegationId} was revoked at ${stored.value.revokedAt}`);
    await this.recordOrConflict([revokedStatement(this.publicUrl, party.agent, community, delegationId)], 'DELEGATION_CHANGED');
    return delegationDetails((await this.stores.delegations.get(delegationId))?.value ?? stored.value);
  }

  // ---- rules and recognitions ----

  /** The rules in force in the community, by slug. */
  async rulesOf(slug: string): Promise<CommunityRule[]> {
    const found = await this.stores.rules.find({ where: { community: slug, inForce: true }, orderBy: [{ field: 'rule' }], limit: PAGE });
    return found.map(({ value }) => this.ruleView(value));
  }

  /** Recognitions in force that the community gave and received, and those awaiting its admin's signature. */
  async recognitions(slug: string): Promise<{ given: CommunityRecognition[]; received: CommunityRecognition[]; pending: PendingRecognitionView[] }> {
    const [given, received, pending] = await Promise.all([this.recognitionsBetween({ from: slug }), this.recognitionsBetween({ to: slug }), this.pendingRecognitions(slug)]);
    return { given, received, pending };
  }

  /** Recognitions in force from and/or to a community, newest first. */
  async recognitionsBetween({ from, to }: { from?: string; to?: string }): Promise<CommunityRecognition[]> {
    const where = { inForce: true, ...(from !== undefined && { from }), ...(to !== undefined && { to }) };
    const found = await this.stores.recognitions.find({ where, orderBy: [{ field: from !== undefined ? 'to' : 'from' }], limit: PAGE });
    return found.map(({ value }) => this.recognitionView(value)).sort((one, other) => other.grantedAt.localeCompare(one.grantedAt));
  }

  /** Adopted recognition and withdrawal proposals of the community that its admin has not signed yet, oldest first. */
  async pendingRecognitions(slug: string): Promise<PendingRecognitionView[]> {
    const found = await this.pending.find({ where: { community: slug }, orderBy: [{ field: 'adoptedAt' }], limit: PAGE });
    const unsigned = await Promise.all(found.map(async ({ value }) => ((await this.stores.contributions.get(ids.effect(value.proposalId))) === undefined ? [pendingView(value)] : [])));
    return unsigned.flat();
  }

  /** After an adopted decision: records the rule statement, or leaves the recognition for A's admin to sign. Idempotent. */
  async carryOut(effect: ProposalEffect, proposal: { id: string; community: string; registration: string }, decisionStatementId: string): Promise<void> {
    const ref: ProposalRef = { id: proposal.id, registration: proposal.registration, decisionStatementId };
    if (effect.type === 'recognize' || effect.type === 'withdraw-recognition') {
      const pending: PendingRecognition = { community: proposal.community, proposalId: proposal.id, registration: proposal.registration, decisionStatementId, effect, adoptedAt: new Date(this.now()).toISOString() };
      await this.pending.insert(proposal.id, pending);
      return;
    }
    if ((await this.statements.get(ids.effect(proposal.id))) !== undefined) return;
    const community = await this.existingRef(proposal.community);
    if (effect.type === 'adopt-rule') {
      await this.record([ruleAdoptedStatement(this.publicUrl, community, ref, { slug: effect.rule, name: effect.name, criteria: effect.criteria })]);
      return;
    }
    const rule = await this.stores.rules.get(`${proposal.community}/${effect.rule}`);
    if (rule === undefined || !rule.value.inForce) return; // nothing in force to retire
    await this.record([ruleRetiredStatement(this.publicUrl, community, ref, { slug: effect.rule, name: currentRuleName(rule.value) })]);
  }

  /**
   * A's admin signs an adopted recognition or withdrawal proposal of A: records recognition-granted
   * (or recognition-withdrawn) with the decision as context statement. 403 NOT_COMMUNITY_ADMIN,
   * 404 PROPOSAL_NOT_FOUND, 409 NOT_A_RECOGNITION, NOT_ADOPTED, ALREADY_SIGNED, NOT_RECOGNIZED.
   */
  async sign(party: Party, slug: string, proposalId: string): Promise<CommunityRecognition & { inForce?: boolean }> {
    const from = await this.existingRef(slug);
    if (!(await this.isAdmin(slug, party.key))) throw new HttpError(403, 'NOT_COMMUNITY_ADMIN', `Only an admin of ${slug} may sign its recognitions`);
    const proposal = await this.proposals()?.proposal(proposalId);
    if (proposal === undefined || proposal.community !== slug) throw new NotFoundError(`No proposal ${proposalId} in ${slug}`, 'PROPOSAL_NOT_FOUND');
    const effect = recognitionEffect(proposal);
    const decision = proposal.decision ?? (await this.proposals()?.decisionOf(proposalId));
    if (decision?.outcome !== 'adopted') throw new ConflictError('NOT_ADOPTED', `Proposal ${proposalId} has not been adopted${decision === undefined ? ' (it is still open)' : ''}`);
    if ((await this.statements.get(ids.effect(proposalId))) !== undefined) throw new ConflictError('ALREADY_SIGNED', `Proposal ${proposalId} was signed already`);
    const ref: ProposalRef = { id: proposalId, registration: proposal.registration, decisionStatementId: decision.statementId };
    const recognition = await this.stores.recognitions.get(`${slug}/${effect.community}`);
    if (effect.type === 'recognize') {
      const to = await this.existingRef(effect.community);
      await this.recordOrConflict([recognizedStatement(this.publicUrl, party.agent, from, to, ref, effect.scope)], 'ALREADY_SIGNED');
    } else {
      const granted = recognition?.value.inForce ? recognition.value.versions.at(-1)! : undefined;
      if (granted === undefined) throw new ConflictError('NOT_RECOGNIZED', `${slug} does not recognise ${effect.community}: there is nothing to withdraw`);
      await this.recordOrConflict([withdrawnStatement(this.publicUrl, party.agent, from, ref, granted.statementId)], 'ALREADY_SIGNED');
    }
    const after = await this.stores.recognitions.get(`${slug}/${effect.community}`);
    return after === undefined ? notApplied() : this.recognitionView(after.value, true);
  }

  // ---- views and helpers ----

  private async view(community: StoredCommunity): Promise<CommunityView> {
    return {
      slug: community.slug,
      iri: communityIri(this.publicUrl, community.slug),
      name: complete(community.name),
      description: complete(community.description),
      admins: community.admins,
      foundedAt: community.foundedAt,
      members: await this.stores.memberships.count({ community: community.slug, leftMs: null }),
    };
  }

  private ruleView(rule: StoredRule): CommunityRule {
    const adopted = rule.versions.at(-1)!;
    return { community: rule.community, slug: rule.rule, iri: ruleIri(this.publicUrl, rule.community, rule.rule), name: complete(adopted.name ?? {}), criteria: adopted.criteria ?? {}, proposalId: adopted.proposalId, adoptedAt: adopted.at };
  }

  /** The recognition's last grant (with `latest`, its last version whatever it is: a withdrawal just signed). */
  private recognitionView(recognition: StoredRecognition, latest = false): CommunityRecognition & { inForce?: boolean } {
    const version = latest ? recognition.versions.at(-1)! : recognition.versions.filter((entry) => entry.kind === 'granted').at(-1)!;
    return {
      from: recognition.from,
      to: recognition.to,
      fromIri: communityIri(this.publicUrl, recognition.from),
      toIri: communityIri(this.publicUrl, recognition.to),
      scope: version.scope ?? {},
      proposalId: version.proposalId,
      statementId: version.statementId,
      grantedAt: version.at,
      ...(latest && { inForce: recognition.inForce }),
    };
  }

  private async existingRef(slug: string): Promise<CommunityRef> {
    const stored = await this.stores.communities.get(parseSlug(slug));
    if (stored === undefined) throw new NotFoundError(`No community ${slug}`, 'COMMUNITY_NOT_FOUND');
    return { slug, name: stored.value.name };
  }

  private async currentMembership(slug: string, member: VoterKey): Promise<StoredMembership | undefined> {
    const [current] = await this.stores.memberships.find({ where: { community: slug, member, leftMs: null }, limit: 1 });
    return current?.value;
  }

  private async inForceOf(slug: string, delegator: VoterKey): Promise<StoredDelegation[]> {
    const found = await this.stores.delegations.find({ where: { community: slug, delegator, revokedMs: null }, orderBy: [{ field: 'position' }], limit: PAGE });
    // Latest per scope: one is in force per scope, unless two writers raced (then the later counts, as in the tally).
    const latest = new Map(found.map(({ value }) => [value.scope, value]));
    return [...latest.values()];
  }

  /** The community's documents whose `field` (a time-ordered key) lies below `below`, page by page. */
  private async *pages<T extends { community: string }>(collection: Collection<T>, slug: string, field: 'joinOrder' | 'grantOrder', below: string): AsyncGenerator<T> {
    let after: string | undefined;
    for (;;) {
      const range = after === undefined ? { lt: below } : { gt: after, lt: below };
      const page = await collection.find({ where: { community: slug, [field]: range }, orderBy: [{ field }], limit: PAGE });
      for (const { value } of page) yield value;
      if (page.length < PAGE) return;
      after = (page.at(-1)!.value as unknown as Record<string, string>)[field];
    }
  }

  /**
   * Records the statements and waits until applied; false when the LRS refused them as conflicting
   * with statements of the same ids. Those the delivery has not applied yet (it was slow, or is
   * off) are applied here at the feed's head, a position at or after theirs; the delivery's own
   * apply then only corrects their positions.
   */
  private async record(statements: object[]): Promise<boolean> {
    try {
      await this.statements.record(statements, { applied: true });
    } catch (error) {
      if (error instanceof HttpError && error.status === 409) return false;
      throw error;
    }
    for (const { id } of statements as Array<{ id: string }>) {
      if ((await this.stores.contributions.get(id)) !== undefined) continue;
      const stored = await this.statements.get(id);
      const position = await this.statements.feedHead();
      if (stored !== undefined && !stored.voided) await this.apply([{ type: 'stored', position, statement: { ...stored, position } }]);
    }
    return true;
  }

  /** As record; a conflict means another request decided this step first: 409 `code`. */
  private async recordOrConflict(statements: object[], code: string): Promise<void> {
    if (!(await this.record(statements))) throw new ConflictError(code, 'This changed meanwhile (another request did the same step): read it again and retry');
  }
}

function taken(slug: string): ConflictError {
  return new ConflictError('COMMUNITY_EXISTS', `The community ${slug} exists already: choose another slug`);
}

function notApplied(): never {
  throw new HttpError(503, 'NOT_APPLIED_YET', 'Recorded, but not applied yet: read it again in a moment');
}

/** Both languages, each falling back on the other. */
function complete(text: Partial<LocalizedText>): LocalizedText {
  return { en: text.en ?? text.es ?? '', es: text.es ?? text.en ?? '' };
}

function currentRuleName(rule: StoredRule): LocalizedText {
  return complete(rule.versions.filter((version) => version.kind === 'adopted').at(-1)?.name ?? {});
}

function recognitionEffect(proposal: ProposalView): Extract<ProposalEffect, { type: 'recognize' | 'withdraw-recognition' }> {
  const effect = proposal.effect;
  if (effect?.type !== 'recognize' && effect?.type !== 'withdraw-recognition') throw new ConflictError('NOT_A_RECOGNITION', `Proposal ${proposal.id} neither recognises a community nor withdraws a recognition`);
  return effect;
}

function edgeOf(delegation: StoredDelegation): DelegationEdge {
  return { delegate: delegation.delegate, ...(delegation.proposalKind !== undefined && { proposalKind: delegation.proposalKind }) };
}

function membershipView(membership: StoredMembership): Membership {
  const { community, member, agent, registration, joinedAt, joinedPosition, leftAt } = membership;
  return { community, member, agent, registration, joinedAt, joinedPosition, ...(leftAt !== undefined && { leftAt }) };
}

function delegationView(delegation: StoredDelegation): Delegation {
  const { id, community, delegator, delegate, proposalKind, grantedAt, position, revokedAt } = delegation;
  return { id, community, delegator, delegate, ...(proposalKind !== undefined && { proposalKind: proposalKind as ProposalKind }), grantedAt, position, ...(revokedAt !== undefined && { revokedAt }) };
}

function delegationDetails(delegation: StoredDelegation): DelegationDetails {
  return { ...delegationView(delegation), delegatorAgent: delegation.delegatorAgent, delegateAgent: delegation.delegateAgent };
}

function pendingView(pending: PendingRecognition): PendingRecognitionView {
  const { effect } = pending;
  return {
    proposalId: pending.proposalId,
    community: pending.community,
    type: effect.type,
    to: effect.community,
    ...(effect.type === 'recognize' && { scope: effect.scope }),
    decisionStatementId: pending.decisionStatementId,
    adoptedAt: pending.adoptedAt,
  };
}
