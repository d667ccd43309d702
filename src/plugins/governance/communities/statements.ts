/**
 * The communities' statements of the governance profile (templates community-founded,
 * member-joined, member-left, delegation-granted, delegation-revoked, rule-adopted, rule-retired,
 * recognition-granted, recognition-withdrawn), and reading them back. Ids and registrations are
 * name-based: the same step recorded again after a crash is the same statement, and two writers
 * deciding the same step at once collide in the LRS (409) instead of both counting.
 */
import type { Agent, LocalizedText, StoredStatement } from '../../../plugin-api';
import { PROPOSAL_KINDS, type ProposalKind, type RecognitionScope, type RuleCriteria } from '../model';
import { ACTIVITY_TYPE, CATEGORY, communityIri, EXTENSION, governanceAgent, governanceUuid, proposalIri, ruleIri, VERB, verb } from '../vocabulary';

export const ids = {
  founded: (slug: string) => governanceUuid(`community/${slug}/founded`),
  membership: (slug: string, member: string, sequence: number) => governanceUuid(`membership/${slug}/${member}/${sequence}`),
  joined: (registration: string) => governanceUuid(`membership/${registration}/joined`),
  left: (registration: string) => governanceUuid(`membership/${registration}/left`),
  delegation: (slug: string, delegator: string, sequence: number) => governanceUuid(`delegation/${slug}/${delegator}/${sequence}`),
  granted: (registration: string) => governanceUuid(`delegation/${registration}/granted`),
  revoked: (registration: string) => governanceUuid(`delegation/${registration}/revoked`),
  /** The one statement carrying out an adopted proposal's effect (rule or recognition). */
  effect: (proposalId: string) => governanceUuid(`proposal/${proposalId}/effect`),
};

export interface CommunityRef {
  slug: string;
  name: Partial<LocalizedText>;
  description?: Partial<LocalizedText>;
}

/** The proposal an effect statement carries out: the rule and recognition statements name it in `grouping`. */
export interface ProposalRef {
  id: string;
  registration: string;
  decisionStatementId: string;
}

function communityActivity(publicUrl: string, community: CommunityRef) {
  const definition = { type: ACTIVITY_TYPE.community, name: community.name, ...(community.description !== undefined && { description: community.description }) };
  return { objectType: 'Activity', id: communityIri(publicUrl, community.slug), definition };
}

function proposalActivity(publicUrl: string, proposalId: string) {
  return { objectType: 'Activity', id: proposalIri(publicUrl, proposalId), definition: { type: ACTIVITY_TYPE.proposal } };
}

interface ContextParts {
  registration?: string;
  parent?: object;
  grouping?: object;
  statement?: string;
  extensions?: Record<string, unknown>;
}

function context({ registration, parent, grouping, statement, extensions }: ContextParts) {
  return {
    ...(registration !== undefined && { registration }),
    contextActivities: { category: [CATEGORY], ...(parent !== undefined && { parent: [parent] }), ...(grouping !== undefined && { grouping: [grouping] }) },
    ...(statement !== undefined && { statement: { objectType: 'StatementRef', id: statement } }),
    ...(extensions !== undefined && { extensions }),
  };
}

function statementRef(id: string) {
  return { objectType: 'StatementRef', id };
}

export function foundedStatement(publicUrl: string, founder: Agent, community: CommunityRef): object {
  return { id: ids.founded(community.slug), actor: founder, verb: verb(VERB.founded), object: communityActivity(publicUrl, community), context: context({}) };
}

export function joinedStatement(publicUrl: string, member: Agent, community: CommunityRef, registration: string): object {
  return { id: ids.joined(registration), actor: member, verb: verb(VERB.joined), object: communityActivity(publicUrl, community), context: context({ registration }) };
}

export function leftStatement(publicUrl: string, member: Agent, community: CommunityRef, registration: string): object {
  return { id: ids.left(registration), actor: member, verb: verb(VERB.left), object: communityActivity(publicUrl, community), context: context({ registration }) };
}

export function grantedStatement(publicUrl: string, delegator: Agent, delegate: Agent, community: CommunityRef, registration: string, proposalKind?: ProposalKind): object {
  const extensions = proposalKind === undefined ? undefined : { [EXTENSION.delegationScope]: { proposalKind } };
  return {
    id: ids.granted(registration),
    actor: delegator,
    verb: verb(VERB.delegated),
    object: { ...delegate, objectType: 'Agent' },
    context: context({ registration, parent: communityActivity(publicUrl, community), extensions }),
  };
}

export function revokedStatement(publicUrl: string, delegator: Agent, community: CommunityRef, registration: string): object {
  return {
    id: ids.revoked(registration),
    actor: delegator,
    verb: verb(VERB.revokedDelegation),
    object: statementRef(ids.granted(registration)),
    context: context({ registration, parent: communityActivity(publicUrl, community) }),
  };
}

export function ruleAdoptedStatement(publicUrl: string, community: CommunityRef, proposal: ProposalRef, rule: { slug: string; name: Partial<LocalizedText>; criteria: RuleCriteria }): object {
  const object = { objectType: 'Activity', id: ruleIri(publicUrl, community.slug, rule.slug), definition: { type: ACTIVITY_TYPE.rule, name: rule.name, extensions: { [EXTENSION.ruleCriteria]: rule.criteria } } };
  return { id: ids.effect(proposal.id), actor: governanceAgent(publicUrl), verb: verb(VERB.ruleAdopted), object, context: effectContext(publicUrl, community, proposal) };
}

export function ruleRetiredStatement(publicUrl: string, community: CommunityRef, proposal: ProposalRef, rule: { slug: string; name: Partial<LocalizedText> }): object {
  const object = { objectType: 'Activity', id: ruleIri(publicUrl, community.slug, rule.slug), definition: { type: ACTIVITY_TYPE.rule, name: rule.name } };
  return { id: ids.effect(proposal.id), actor: governanceAgent(publicUrl), verb: verb(VERB.ruleRetired), object, context: effectContext(publicUrl, community, proposal) };
}

export function recognizedStatement(publicUrl: string, admin: Agent, from: CommunityRef, to: CommunityRef, proposal: ProposalRef, scope: RecognitionScope): object {
  return {
    id: ids.effect(proposal.id),
    actor: admin,
    verb: verb(VERB.recognized),
    object: communityActivity(publicUrl, to),
    context: effectContext(publicUrl, from, proposal, { [EXTENSION.recognitionScope]: scope }),
  };
}

export function withdrawnStatement(publicUrl: string, admin: Agent, from: CommunityRef, proposal: ProposalRef, recognitionStatementId: string): object {
  return { id: ids.effect(proposal.id), actor: admin, verb: verb(VERB.withdrewRecognition), object: statementRef(recognitionStatementId), context: effectContext(publicUrl, from, proposal) };
}

function effectContext(publicUrl: string, community: CommunityRef, proposal: ProposalRef, extensions?: Record<string, unknown>) {
  return context({
    registration: proposal.registration,
    parent: communityActivity(publicUrl, community),
    grouping: proposalActivity(publicUrl, proposal.id),
    statement: proposal.decisionStatementId,
    extensions,
  });
}

/** What a statement of this plugin says about communities, or undefined when it is none of the above. */
export type CommunityFact =
  | { kind: 'founded'; slug: string; name: Partial<LocalizedText>; description: Partial<LocalizedText> }
  | { kind: 'joined' | 'left'; slug: string; registration: string }
  | { kind: 'granted'; slug: string; registration: string; delegate: Agent; proposalKind?: ProposalKind }
  | { kind: 'revoked'; registration: string }
  | { kind: 'rule-adopted'; slug: string; rule: string; name: Partial<LocalizedText>; criteria: RuleCriteria; proposalId: string }
  | { kind: 'rule-retired'; slug: string; rule: string; proposalId: string }
  | { kind: 'recognized'; from: string; to: string; scope: RecognitionScope; proposalId: string }
  | { kind: 'withdrew'; recognition: string; proposalId: string };

type Activity = { objectType?: string; id?: string; definition?: { type?: string; name?: Partial<LocalizedText>; description?: Partial<LocalizedText>; extensions?: Record<string, unknown> } };
type Context = { registration?: string; contextActivities?: { parent?: Activity[]; grouping?: Activity[] }; extensions?: Record<string, unknown> };

const SLUG = '[a-z0-9][a-z0-9-]{2,63}';

/** Reads the plugin's own statements back (their IRIs on this LRS's public URL). */
export class FactReader {
  private readonly community: RegExp;
  private readonly rule: RegExp;
  private readonly proposal: RegExp;

  constructor(publicUrl: string) {
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.community = new RegExp(`^${escaped(communityIri(publicUrl, ''))}(${SLUG})$`);
    this.rule = new RegExp(`^${escaped(communityIri(publicUrl, ''))}(${SLUG})/rules/(${SLUG})$`);
    this.proposal = new RegExp(`^${escaped(proposalIri(publicUrl, ''))}([0-9a-f-]{36})$`);
  }

  factOf(statement: StoredStatement): CommunityFact | undefined {
    const verbId = statement.verb.id;
    const object = statement.object as Activity & { objectType?: string };
    const ctx = (statement.context ?? {}) as Context;
    const registration = ctx.registration;
    const parent = this.slugOf(ctx.contextActivities?.parent?.[0]);
    const proposalId = this.match(this.proposal, ctx.contextActivities?.grouping?.[0]?.id)?.[1];
    const objectSlug = object.definition?.type === ACTIVITY_TYPE.community ? this.slugOf(object) : undefined;
    switch (verbId) {
      case VERB.joined:
      case VERB.left:
        if (objectSlug === undefined || registration === undefined) return undefined;
        return { kind: verbId === VERB.joined ? 'joined' : 'left', slug: objectSlug, registration };
      case VERB.delegated:
        return this.granted(object, ctx, parent);
      case VERB.revokedDelegation:
        return registration === undefined ? undefined : { kind: 'revoked', registration };
      case VERB.recognized: {
        const scope = ctx.extensions?.[EXTENSION.recognitionScope] as RecognitionScope | undefined;
        if (objectSlug === undefined || parent === undefined || proposalId === undefined || scope === undefined) return undefined;
        return { kind: 'recognized', from: parent, to: objectSlug, scope, proposalId };
      }
      case VERB.withdrewRecognition:
        return object.objectType === 'StatementRef' && proposalId !== undefined ? { kind: 'withdrew', recognition: object.id!, proposalId } : undefined;
      default:
        return this.communityOrRule(verbId, object, objectSlug, proposalId);
    }
  }

  private communityOrRule(verbId: string, object: Activity, objectSlug: string | undefined, proposalId: string | undefined): CommunityFact | undefined {
    if (verbId === VERB.founded && objectSlug !== undefined) {
      return { kind: 'founded', slug: objectSlug, name: object.definition?.name ?? {}, description: object.definition?.description ?? {} };
    }
    const rule = object.definition?.type === ACTIVITY_TYPE.rule ? this.match(this.rule, object.id) : undefined;
    if (rule === undefined || proposalId === undefined) return undefined;
    const [, slug, ruleSlug] = rule as unknown as [string, string, string];
    if (verbId === VERB.ruleAdopted) {
      const criteria = object.definition?.extensions?.[EXTENSION.ruleCriteria] as RuleCriteria | undefined;
      return criteria === undefined ? undefined : { kind: 'rule-adopted', slug, rule: ruleSlug, name: object.definition?.name ?? {}, criteria, proposalId };
    }
    return verbId === VERB.ruleRetired ? { kind: 'rule-retired', slug, rule: ruleSlug, proposalId } : undefined;
  }

  private granted(object: Activity, ctx: Context, parent: string | undefined): CommunityFact | undefined {
    if (parent === undefined || ctx.registration === undefined || object.objectType !== 'Agent') return undefined;
    const scope = ctx.extensions?.[EXTENSION.delegationScope] as { proposalKind?: ProposalKind } | undefined;
    const proposalKind = scope?.proposalKind !== undefined && PROPOSAL_KINDS.includes(scope.proposalKind) ? scope.proposalKind : undefined;
    return { kind: 'granted', slug: parent, registration: ctx.registration, delegate: object as unknown as Agent, ...(proposalKind !== undefined && { proposalKind }) };
  }

  private slugOf(activity: Activity | undefined): string | undefined {
    return this.match(this.community, activity?.id)?.[1];
  }

  private match(pattern: RegExp, iri: string | undefined): RegExpExecArray | undefined {
    return iri === undefined ? undefined : (pattern.exec(iri) ?? undefined);
  }
}
