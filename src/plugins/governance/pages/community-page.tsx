import { Field, PostForm, Select, TextArea, usePage, type CommunityRule } from '../../../plugin-api';
import { MECHANISMS, PROPOSAL_KINDS, type CommunityView, type Delegation, type Membership, type ProposalView } from '../model';
import { governanceMessages, type GovernanceMessages } from './messages';
import { communityPath, dateText, localized, proposalPath, recognitionsPath, Section } from './parts';
import type { DelegationForPages } from './sources';

export interface CommunityPageView {
  community: CommunityView;
  /** The viewer's membership, when they are a member. */
  membership?: Membership;
  isAdmin: boolean;
  /** The members the delegate form offers (the viewer left out). */
  members: Membership[];
  delegations: { given: DelegationForPages[]; received: DelegationForPages[] };
  proposals: ProposalView[];
  rules: CommunityRule[];
  nowMs: number;
  csrf: string;
}

/** A community: about, the viewer's membership and delegation, its proposals, its rules, the new-proposal form. */
export function CommunityPage({ view }: { view: CommunityPageView }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  const { community, membership, csrf } = view;
  const base = communityPath(community.slug);
  return (
    <>
      <Section id="about" title={m.about}>
        <p>{localized(community.description, locale)}</p>
        <p>
          {m.memberCount(community.members)} · {m.foundedOn(dateText(community.foundedAt, locale))}
        </p>
        {view.isAdmin && <p>{m.admin}</p>}
        <p>
          <a href={recognitionsPath(community.slug)}>{m.recognitionsLink}</a>
        </p>
      </Section>
      <Section id="membership" title={m.membership}>
        {membership === undefined ? (
          <>
            <p>{m.notMember}</p>
            <PostForm action={`${base}/join`} csrf={csrf} submit={m.join} />
          </>
        ) : (
          <>
            <p>{m.memberSince(dateText(membership.joinedAt, locale))}</p>
            <PostForm action={`${base}/leave`} csrf={csrf} submit={m.leave} secondary />
          </>
        )}
      </Section>
      {membership !== undefined && <DelegationSection view={view} />}
      <ProposalsSection proposals={view.proposals} nowMs={view.nowMs} />
      <RulesSection rules={view.rules} />
      {membership !== undefined && <NewProposal action={`${base}/proposals`} csrf={csrf} />}
    </>
  );
}


function scopeText(delegation: Delegation, m: GovernanceMessages): string {
  return delegation.proposalKind === undefined ? m.everyKind : m.kindScope(m.kinds[delegation.proposalKind]);
}

function DelegationSection({ view }: { view: CommunityPageView }) {
  const m = governanceMessages(usePage().locale);
  const base = communityPath(view.community.slug);
  const given = view.delegations.given.filter((delegation) => delegation.revokedAt === undefined);
  const received = view.delegations.received.filter((delegation) => delegation.revokedAt === undefined);
  return (
    <Section id="delegation" title={m.delegation}>
      <p>{m.delegationLead}</p>
      {given.length === 0 && <p>{m.noDelegation}</p>}
      {given.map((delegation) => (
        <div>
          <p>{m.delegatedTo(delegation.delegateAgent?.name ?? delegation.delegate, scopeText(delegation, m))}</p>
          <PostForm action={`${base}/delegations/${delegation.id}/revoke`} csrf={view.csrf} submit={m.revoke} secondary />
        </div>
      ))}
      {received.length > 0 && <p>{m.receivedDelegations(received.length)}</p>}
      {view.members.length > 0 && (
        <PostForm action={`${base}/delegations`} csrf={view.csrf} submit={m.delegate}>
          <Select id="delegate" name="delegate" label={m.delegateTo} options={view.members.map(({ member, agent }) => [member, agent.name ?? member])} />
          <Select id="delegate-scope" name="proposalKind" label={m.delegateScope} options={[['all', m.everyKind], ...PROPOSAL_KINDS.map((kind): [string, string] => [kind, m.kindScope(m.kinds[kind])])]} />
        </PostForm>
      )}
    </Section>
  );
}

function ProposalsSection({ proposals, nowMs }: { proposals: ProposalView[]; nowMs: number }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  const open = proposals.filter(({ state }) => state === 'open');
  const closed = proposals.filter(({ state }) => state === 'closed');
  const when = (proposal: ProposalView) =>
    Date.parse(proposal.rules.opensAt) > nowMs ? m.opensOn(dateText(proposal.rules.opensAt, locale)) : m.closesOn(dateText(proposal.rules.closesAt, locale));
  return (
    <Section id="proposals" title={m.proposals}>
      <h3>{m.openProposals}</h3>
      <ProposalList proposals={open} detail={when} />
      <h3>{m.closedProposals}</h3>
      <ProposalList proposals={closed} detail={(proposal) => (proposal.decision?.outcome === 'adopted' ? m.adopted : m.rejected)} />
    </Section>
  );
}

function ProposalList({ proposals, detail }: { proposals: ProposalView[]; detail: (proposal: ProposalView) => string }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  if (proposals.length === 0) return <p>{m.noProposals}</p>;
  return (
    <ul>
      {proposals.map((proposal) => (
        <li>
          <a href={proposalPath(proposal.id)}>{localized(proposal.title, locale)}</a> · {m.kinds[proposal.kind]} · {detail(proposal)}
        </li>
      ))}
    </ul>
  );
}

function RulesSection({ rules }: { rules: CommunityRule[] }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  const list = (items: string[] | undefined) => (items === undefined || items.length === 0 ? m.anyValue : items.join(', '));
  return (
    <Section id="rules" title={m.rules}>
      <p>{m.rulesLead}</p>
      {rules.length === 0 && <p>{m.noRules}</p>}
      {rules.map((rule) => (
        <article aria-labelledby={`rule-${rule.slug}`}>
          <h3 id={`rule-${rule.slug}`}>{localized(rule.name, locale)}</h3>
          <dl>
            <dt>{m.ruleVerbs}</dt>
            <dd>{list(rule.criteria.verbs)}</dd>
            <dt>{m.ruleActivityTypes}</dt>
            <dd>{list(rule.criteria.activityTypes)}</dd>
            <dt>{m.ruleAuthorities}</dt>
            <dd>{list(rule.criteria.authorities)}</dd>
            <dt>{m.ruleMinScore}</dt>
            <dd>{rule.criteria.minScaledScore ?? m.anyValue}</dd>
          </dl>
        </article>
      ))}
    </Section>
  );
}

const EFFECTS = ['none', 'adopt-rule', 'retire-rule', 'recognize', 'withdraw-recognition'] as const;

/** The new-proposal form: every voting rule fixed now; options only for the methods that have them. */
function NewProposal({ action, csrf }: { action: string; csrf: string }) {
  const m = governanceMessages(usePage().locale);
  return (
    <Section id="new-proposal" title={m.newProposal}>
      <p>{m.newProposalLead}</p>
      <PostForm action={action} csrf={csrf} submit={m.submit}>
        <Field id="proposal-title" name="title" label={m.title} required maxLength={200} />
        <TextArea id="proposal-description" name="description" label={m.description} required />
        <Select id="proposal-kind" name="kind" label={m.kind} options={PROPOSAL_KINDS.map((kind) => [kind, m.kinds[kind]])} value="standard" />
        <fieldset>
          <legend>{m.rulesInWords}</legend>
          <Select id="proposal-mechanism" name="mechanism" label={m.mechanism} options={MECHANISMS.map((mechanism) => [mechanism, m.mechanisms[mechanism]])} />
          <Field id="proposal-options" name="options" label={m.options} hint={m.optionsHint} maxLength={2000} />
          <Field id="proposal-quorum" name="quorum" label={m.quorum} value="0" required maxLength={8} />
          <Field id="proposal-threshold" name="threshold" label={m.threshold} hint={m.thresholdHint} value="50" required maxLength={8} />
          <Field id="proposal-opens" name="opensAt" label={m.opensAt} hint={m.opensAtHint} type="datetime-local" step={1} />
          <Field id="proposal-closes" name="closesAt" label={m.closesAt} type="datetime-local" step={1} required />
          <Select id="proposal-privacy" name="ballotPrivacy" label={m.privacy} options={[['public', m.privacies.public], ['commitment', m.privacies.commitment]]} />
          <Field id="proposal-score-min" name="scoreMin" label={m.scoreMin} type="number" value="0" />
          <Field id="proposal-score-max" name="scoreMax" label={m.scoreMax} type="number" value="5" />
        </fieldset>
        <fieldset>
          <legend>{m.effect}</legend>
          <p>{m.effectLead}</p>
          <Select id="proposal-effect" name="effect" label={m.effect} options={EFFECTS.map((effect) => [effect, m.effects[effect]])} />
          <Field id="proposal-rule" name="effectRule" label={m.effectRule} maxLength={64} />
          <Field id="proposal-rule-name" name="effectRuleName" label={m.effectRuleName} maxLength={200} />
          <Field id="proposal-community" name="effectCommunity" label={m.effectCommunity} maxLength={64} />
          <Field id="proposal-verbs" name="verbs" label={m.verbs} hint={m.listHint} maxLength={4000} />
          <Field id="proposal-activity-types" name="activityTypes" label={m.activityTypes} hint={m.listHint} maxLength={4000} />
          <Field id="proposal-credential-types" name="credentialTypes" label={m.credentialTypes} hint={m.listHint} maxLength={4000} />
          <Field id="proposal-supersedes" name="supersedes" label={m.supersedes} maxLength={36} />
        </fieldset>
      </PostForm>
    </Section>
  );
}
