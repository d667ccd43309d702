/**
 * The statements of a proposal's life (the governance profile's proposal-submitted, ballot-cast,
 * ballot-committed, ballot-revealed, proposal-adopted and proposal-rejected templates), and the
 * proposal read back from its submission (the derived store is rebuilt from it).
 */
import type { Agent, LocalizedText, StoredStatement } from '../../../plugin-api';
import type { Mechanism, ProposalEffect, ProposalKind, TallyCounts, Turnout, VotingRules } from '../model';
import { ACTIVITY_TYPE, ballotIri, CATEGORY, communityIri, EXTENSION, governanceAgent, governanceUuid, proposalIri, ruleIri, verb, VERB } from '../vocabulary';
import type { StoredProposal } from './records';

/** What every statement of a proposal refers to. */
export interface ProposalRef {
  id: string;
  community: string;
  registration: string;
  title: LocalizedText;
}

export class ProposalStatements {
  constructor(private readonly publicUrl: string) {}

  /** The id of a proposal's submission: name-based, so that the proposal's id names it. */
  static submissionId(proposalId: string): string {
    return governanceUuid(`proposal/${proposalId}`);
  }

  static registrationOf(proposalId: string): string {
    return governanceUuid(`proposal/${proposalId}/registration`);
  }

  static decisionId(proposalId: string): string {
    return governanceUuid(`decision/${proposalId}`);
  }

  static revealId(commitmentStatementId: string): string {
    return governanceUuid(`reveal/${commitmentStatementId}`);
  }

  submitted(proposal: ProposalRef & { kind: ProposalKind; description: LocalizedText; rules: VotingRules; effect?: ProposalEffect; supersedes?: string }, actor: Agent, timestamp: string): object {
    const { effect, supersedes } = proposal;
    const extensions: Record<string, unknown> = {};
    if (effect?.type === 'recognize') extensions[EXTENSION.recognitionScope] = effect.scope;
    if (supersedes !== undefined) extensions[EXTENSION.supersedes] = supersedes;
    const other = effect === undefined ? undefined : this.effectActivity(proposal.community, effect);
    return {
      id: ProposalStatements.submissionId(proposal.id),
      actor,
      verb: verb(VERB.submitted),
      object: {
        objectType: 'Activity',
        id: proposalIri(this.publicUrl, proposal.id),
        definition: {
          type: ACTIVITY_TYPE.proposal,
          name: proposal.title,
          description: nonEmpty(proposal.description, proposal.title),
          extensions: { [EXTENSION.proposalKind]: proposal.kind, [EXTENSION.votingRules]: proposal.rules },
        },
      },
      context: {
        registration: proposal.registration,
        contextActivities: { parent: [this.communityActivity(proposal.community)], category: [CATEGORY], ...(other && { other: [other] }) },
        ...(Object.keys(extensions).length > 0 && { extensions }),
      },
      timestamp,
    };
  }

  /** A public ballot (ballot-cast) or a sealed one (ballot-committed), by `actor`. */
  ballot(proposal: ProposalRef & { rules: VotingRules }, id: string, actor: Agent, cast: { response: string } | { commitment: string }, timestamp: string): object {
    const committed = 'commitment' in cast;
    return {
      id,
      actor,
      verb: verb(committed ? VERB.committedBallot : VERB.voted),
      object: { objectType: 'Activity', id: ballotIri(this.publicUrl, proposal.id), definition: this.ballotDefinition(proposal) },
      result: committed ? { extensions: { [EXTENSION.ballotCommitment]: cast.commitment } } : { response: cast.response },
      context: {
        registration: proposal.registration,
        contextActivities: { parent: [this.proposalActivity(proposal)], grouping: [this.communityActivity(proposal.community)], category: [CATEGORY] },
      },
      timestamp,
    };
  }

  /** The reveal of a sealed ballot at close: its response and salt, referring to the commitment. */
  revealed(proposal: ProposalRef, commitmentId: string, voter: Agent, response: string, salt: string, timestamp: string): object {
    return {
      id: ProposalStatements.revealId(commitmentId),
      actor: voter,
      verb: verb(VERB.revealedBallot),
      object: { objectType: 'StatementRef', id: commitmentId },
      result: { response, extensions: { [EXTENSION.ballotSalt]: salt } },
      context: { registration: proposal.registration, contextActivities: { category: [CATEGORY] } },
      timestamp,
    };
  }

  /**
   * The decision (proposal-adopted or proposal-rejected), by the governance service: the reason in
   * `result.response`, the tally, turnout and the ballot set's Merkle root in result extensions, so
   * that anchoring the statement anchors the ballot set.
   */
  decision(proposal: ProposalRef, outcome: { adopted: boolean; reason: string; tally: TallyCounts; turnout: Turnout; root: string }, timestamp: string): object {
    return {
      id: ProposalStatements.decisionId(proposal.id),
      actor: governanceAgent(this.publicUrl),
      verb: verb(outcome.adopted ? VERB.adopted : VERB.rejected),
      object: { objectType: 'Activity', id: proposalIri(this.publicUrl, proposal.id), definition: { type: ACTIVITY_TYPE.proposal, name: proposal.title } },
      result: {
        success: outcome.adopted,
        response: outcome.reason,
        extensions: { [EXTENSION.tally]: outcome.tally, [EXTENSION.turnout]: outcome.turnout, [EXTENSION.ballotSetRoot]: outcome.root },
      },
      context: { registration: proposal.registration, contextActivities: { parent: [this.communityActivity(proposal.community)], category: [CATEGORY] } },
      timestamp,
    };
  }

  /** The community's slug when `iri` is one of this LRS's community IRIs. */
  communitySlugOf(iri: string): string | undefined {
    const prefix = communityIri(this.publicUrl, '');
    return iri.startsWith(prefix) && !iri.slice(prefix.length).includes('/') ? iri.slice(prefix.length) : undefined;
  }

  /** The proposal id when `iri` is one of this LRS's proposal IRIs (with `suffix`, e.g. `/ballot`). */
  proposalIdOf(iri: string, suffix = ''): string | undefined {
    const prefix = proposalIri(this.publicUrl, '');
    if (!iri.startsWith(prefix) || !iri.endsWith(suffix)) return undefined;
    const id = iri.slice(prefix.length, iri.length - suffix.length);
    return /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
  }

  /** A proposal-submitted statement read back (undefined when it is not one of this plugin's shape). */
  proposalOf(statement: StoredStatement, stored: string, actorKey: string): { id: string; proposal: StoredProposal } | undefined {
    const object = statement.object as { id: string; definition?: { name?: LocalizedText; description?: LocalizedText; extensions?: Record<string, unknown> } };
    const id = this.proposalIdOf(object.id);
    const context = statement.context as { registration?: string; extensions?: Record<string, unknown>; contextActivities?: Record<string, Array<{ id: string; definition?: { name?: LocalizedText; extensions?: Record<string, unknown> } }>> } | undefined;
    const community = this.communitySlugOf(context?.contextActivities?.parent?.[0]?.id ?? '');
    const rules = object.definition?.extensions?.[EXTENSION.votingRules] as VotingRules | undefined;
    if (id === undefined || community === undefined || rules === undefined || context?.registration === undefined) return undefined;
    const proposal: StoredProposal = {
      community,
      kind: object.definition!.extensions![EXTENSION.proposalKind] as ProposalKind,
      title: object.definition!.name ?? ({} as LocalizedText),
      description: object.definition!.description ?? ({} as LocalizedText),
      rules,
      submitter: actorKey,
      registration: context.registration,
      submittedAt: stored,
      statementId: statement.id,
      closesAtMs: Date.parse(rules.closesAt),
      state: 'open',
    };
    const effect = this.effectOf(community, context.contextActivities?.other?.[0], context.extensions);
    if (effect !== undefined) proposal.effect = effect;
    const supersedes = context.extensions?.[EXTENSION.supersedes];
    if (typeof supersedes === 'string') proposal.supersedes = supersedes;
    return { id, proposal };
  }

  private effectOf(community: string, activity: { id: string; definition?: { name?: LocalizedText; extensions?: Record<string, unknown> } } | undefined, extensions: Record<string, unknown> | undefined): ProposalEffect | undefined {
    if (activity === undefined) return undefined;
    const other = this.communitySlugOf(activity.id);
    if (other !== undefined) {
      const scope = extensions?.[EXTENSION.recognitionScope];
      return scope === undefined ? { type: 'withdraw-recognition', community: other } : { type: 'recognize', community: other, scope: scope as never };
    }
    const rulePrefix = ruleIri(this.publicUrl, community, '');
    if (!activity.id.startsWith(rulePrefix)) return undefined;
    const rule = activity.id.slice(rulePrefix.length);
    const criteria = activity.definition?.extensions?.[EXTENSION.ruleCriteria];
    return criteria === undefined ? { type: 'retire-rule', rule } : { type: 'adopt-rule', rule, name: activity.definition?.name ?? ({} as LocalizedText), criteria: criteria as never };
  }

  private effectActivity(community: string, effect: ProposalEffect): object {
    switch (effect.type) {
      case 'adopt-rule':
        return { objectType: 'Activity', id: ruleIri(this.publicUrl, community, effect.rule), definition: { type: ACTIVITY_TYPE.rule, name: effect.name, extensions: { [EXTENSION.ruleCriteria]: effect.criteria } } };
      case 'retire-rule':
        return { objectType: 'Activity', id: ruleIri(this.publicUrl, community, effect.rule), definition: { type: ACTIVITY_TYPE.rule } };
      case 'recognize':
      case 'withdraw-recognition':
        return { objectType: 'Activity', id: communityIri(this.publicUrl, effect.community), definition: { type: ACTIVITY_TYPE.community } };
    }
  }

  private communityActivity(slug: string): object {
    return { objectType: 'Activity', id: communityIri(this.publicUrl, slug), definition: { type: ACTIVITY_TYPE.community } };
  }

  private proposalActivity(proposal: ProposalRef): object {
    return { objectType: 'Activity', id: proposalIri(this.publicUrl, proposal.id), definition: { type: ACTIVITY_TYPE.proposal, name: proposal.title } };
  }

  /** The ballot as an xAPI interaction (Data §2.4.4.1): its type by mechanism, the choices as its components. */
  private ballotDefinition(proposal: ProposalRef & { rules: VotingRules }): object {
    const { mechanism, choices } = proposal.rules;
    const interactionType = INTERACTION_TYPE[mechanism];
    const name = Object.fromEntries(Object.entries(proposal.title).map(([language, text]) => [language, `${language === 'es' ? 'Papeleta' : 'Ballot'}: ${text}`.slice(0, 250)]));
    const components = interactionType === 'other' ? {} : { choices: choices.map((id) => ({ id, description: { en: id } })) };
    return { type: ACTIVITY_TYPE.ballot, name, interactionType, ...components };
  }
}

const INTERACTION_TYPE: Record<Mechanism, string> = {
  'simple-majority': 'choice',
  supermajority: 'choice',
  consensus: 'choice',
  approval: 'choice',
  'instant-runoff': 'sequencing',
  score: 'other',
};

/** xAPI's definition.description when the proposal gave none: its title. */
function nonEmpty(text: LocalizedText, fallback: LocalizedText): LocalizedText {
  return Object.keys(text).length > 0 ? text : fallback;
}
