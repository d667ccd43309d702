import type { ComponentChildren } from 'preact';
import { CsrfField, usePage, type Locale } from '../../../plugin-api';
import { InclusionProofCheck, type InclusionProof } from '../ballot-set';
import type { DecisionView, ProposalEffect, ProposalView, VotingRules } from '../model';
import { ABSTAIN, ONE_CHOICE_MECHANISMS, RANK_FIELD, scoreField } from './forms';
import { governanceMessages, type GovernanceMessages } from './messages';
import { communityPath, dateText, localized, percentText, proposalPath, Section } from './parts';
import type { AnchoringForPages, OwnBallot } from './sources';

export interface ProposalPageView {
  proposal: ProposalView;
  communityName: string;
  decision?: DecisionView & { anchoring: AnchoringForPages };
  /** The viewer's own latest ballot. */
  ballot?: OwnBallot;
  /** The viewer's inclusion proof, after the close. */
  proof?: InclusionProof;
  /** Whether the vote form is shown: the viewer is a member and voting is open. */
  mayVote: boolean;
  nowMs: number;
  csrf: string;
}

/** A proposal: its rules in plain words, the vote form and the viewer's ballot; after the close the outcome, tally, turnout, anchoring and the viewer's proof. */
export function ProposalPage({ view }: { view: ProposalPageView }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  const { proposal, decision } = view;
  return (
    <>
      <p class="lead">
        <a href={communityPath(proposal.community)}>{m.proposalLead(view.communityName)}</a>
      </p>
      <p>{localized(proposal.description, locale)}</p>
      <p>
        {m.kinds[proposal.kind]} · {m.submittedOn(dateText(proposal.submittedAt, locale))} · {stateText(view, m)}
      </p>
      {proposal.supersedes !== undefined && (
        <p>
          {m.supersedesProposal} <a href={proposalPath(proposal.supersedes)}>{proposal.supersedes}</a>
        </p>
      )}
      <RulesInWords rules={proposal.rules} />
      {proposal.effect !== undefined && (
        <Section id="effect" title={m.effectHeading}>
          <EffectText effect={proposal.effect} />
        </Section>
      )}
      {view.mayVote && <VoteForm proposal={proposal} csrf={view.csrf} />}
      <YourBallot view={view} />
      {decision !== undefined && <Decision view={view} decision={decision} />}
    </>
  );
}

function stateText(view: ProposalPageView, m: GovernanceMessages): string {
  const { rules, state } = view.proposal;
  if (state === 'closed') return m.stateClosed;
  if (view.nowMs < Date.parse(rules.opensAt)) return m.stateNotYet;
  return view.nowMs < Date.parse(rules.closesAt) ? m.stateOpen : m.stateClosing;
}

/** The rules of docs/governance.md as they apply to this proposal: participation uses ≥ and counts abstentions, support uses > and does not. */
export function RulesInWords({ rules }: { rules: VotingRules }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  const threshold = percentText(rules.threshold, locale);
  return (
    <Section id="rules" title={m.rulesInWords}>
      <ul>
        <li>{m.mechanisms[rules.mechanism]}.</li>
        <li>{m.window(dateText(rules.opensAt, locale), dateText(rules.closesAt, locale))}</li>
        <li>{m.eligibility}</li>
        <li>{m.quorumRule(percentText(rules.quorum, locale))}</li>
        {ONE_CHOICE_MECHANISMS.includes(rules.mechanism) && <li>{m.supportRule(threshold)}</li>}
        {rules.mechanism === 'consensus' && <li>{m.blockRule}</li>}
        {rules.mechanism === 'approval' && <li>{m.approvalRule(threshold)}</li>}
        {rules.mechanism === 'instant-runoff' && <li>{m.runoffRule(threshold)}</li>}
        {rules.mechanism === 'score' && <li>{m.scoreRule(rules.scoreRange?.min ?? 0, rules.scoreRange?.max ?? 0, threshold)}</li>}
        <li>{m.delegationRule}</li>
        <li>{rules.ballotPrivacy === 'public' ? m.publicRule : m.sealedRule}</li>
      </ul>
    </Section>
  );
}

function EffectText({ effect }: { effect: ProposalEffect }) {
  const m = governanceMessages(usePage().locale);
  switch (effect.type) {
    case 'adopt-rule':
      return <p>{m.effectAdoptRule(effect.rule)}</p>;
    case 'retire-rule':
      return <p>{m.effectRetireRule(effect.rule)}</p>;
    case 'recognize':
      return (
        <>
          <p>{m.effectRecognize(effect.community)}</p>
          <ScopeList scope={effect.scope} />
        </>
      );
    case 'withdraw-recognition':
      return <p>{m.effectWithdraw(effect.community)}</p>;
  }
}

/** A recognition's scope: verbs, activity types and credential types ("any" for a kind left out). */
export function ScopeList({ scope }: { scope: { verbs?: string[]; activityTypes?: string[]; credentialTypes?: string[] } }) {
  const m = governanceMessages(usePage().locale);
  const rows: Array<[string, string[] | undefined]> = [
    [m.verbs, scope.verbs],
    [m.activityTypes, scope.activityTypes],
    [m.credentialTypes, scope.credentialTypes],
  ];
  return (
    <dl>
      {rows.map(([label, items]) => (
        <>
          <dt>{label}</dt>
          <dd>{items === undefined || items.length === 0 ? m.anyValue : items.join(', ')}</dd>
        </>
      ))}
    </dl>
  );
}

/** An option's name: the words for yes, no, block and abstain, else its id. */
export function choiceName(choice: string, m: GovernanceMessages): string {
  return m.choiceNames[choice] ?? choice;
}

/** The vote form of the proposal's method: radio buttons, checkboxes, ranking selects or score inputs. */
function VoteForm({ proposal, csrf }: { proposal: ProposalView; csrf: string }) {
  const m = governanceMessages(usePage().locale);
  const { rules } = proposal;
  const options = rules.choices.filter((choice) => choice !== ABSTAIN);
  const oneChoice = ONE_CHOICE_MECHANISMS.includes(rules.mechanism);
  return (
    <Section id="vote" title={m.vote}>
      <p>{m.voteLead}</p>
      <form method="post" action={`${proposalPath(proposal.id)}/vote`}>
        <CsrfField token={csrf} />
        <fieldset>
          <legend>{m.mechanisms[rules.mechanism]}</legend>
          {oneChoice && <ChoiceInputs type="radio" name="choice" choices={rules.choices} m={m} />}
          {rules.mechanism === 'approval' && <ChoiceInputs type="checkbox" name="approve" choices={options} m={m} />}
          {rules.mechanism === 'instant-runoff' && <RankingInputs options={options} m={m} />}
          {rules.mechanism === 'score' && <ScoreInputs rules={rules} options={options} m={m} />}
        </fieldset>
        <button type="submit">{m.castVote}</button>
        {!oneChoice && rules.choices.includes(ABSTAIN) && (
          <button type="submit" name="abstain" value="1" class="button--secondary">
            {m.abstainVote}
          </button>
        )}
      </form>
    </Section>
  );
}

function ChoiceInputs({ type, name, choices, m }: { type: 'radio' | 'checkbox'; name: string; choices: string[]; m: GovernanceMessages }) {
  return (
    <>
      {choices.map((choice) => (
        <div class="field">
          <label>
            <input type={type} name={name} value={choice} required={type === 'radio'} /> {choiceName(choice, m)}
          </label>
        </div>
      ))}
    </>
  );
}

/** One select per rank, first choice first; the ones left empty end the ranking. */
function RankingInputs({ options, m }: { options: string[]; m: GovernanceMessages }) {
  return (
    <>
      {options.map((_, rank) => (
        <div class="field">
          <label for={`rank-${rank}`}>{m.rank(rank + 1)}</label>
          <select id={`rank-${rank}`} name={RANK_FIELD}>
            <option value="">{m.noRank}</option>
            {options.map((option) => (
              <option value={option}>{choiceName(option, m)}</option>
            ))}
          </select>
        </div>
      ))}
    </>
  );
}

function ScoreInputs({ rules, options, m }: { rules: VotingRules; options: string[]; m: GovernanceMessages }) {
  const { min = 0, max = 0 } = rules.scoreRange ?? {};
  return (
    <>
      {options.map((option, index) => (
        <div class="field">
          <label for={`score-${index}`}>{m.scoreOf(choiceName(option, m))}</label>
          <input id={`score-${index}`} name={scoreField(index)} type="number" min={min} max={max} step={1} required />
        </div>
      ))}
    </>
  );
}

/** A response string (cmi.interaction formats) in words: the choice, the approved options, the ranking or the scores. */
export function responseText(response: string, rules: VotingRules, m: GovernanceMessages): string {
  if (response === ABSTAIN) return choiceName(ABSTAIN, m);
  const items = response.split('[,]');
  switch (rules.mechanism) {
    case 'instant-runoff':
      return items.map((item, index) => `${index + 1}. ${choiceName(item, m)}`).join(', ');
    case 'score':
      return items.map((pair) => pair.split('[.]')).map(([option, score]) => `${choiceName(option ?? '', m)}: ${score}`).join(', ');
    default:
      return items.map((item) => choiceName(item, m)).join(', ');
  }
}

function YourBallot({ view }: { view: ProposalPageView }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  const { ballot } = view;
  return (
    <Section id="your-ballot" title={m.yourBallot}>
      {ballot === undefined ? (
        <p>{m.noBallot}</p>
      ) : (
        <>
          {ballot.response !== undefined && <p>{responseText(ballot.response, view.proposal.rules, m)}</p>}
          {ballot.stored !== undefined && <p>{m.castOn(dateText(ballot.stored, locale))}</p>}
          {ballot.commitment !== undefined && (
            <>
              <p>{m.sealedBallot}</p>
              <dl>
                <dt>{m.commitment}</dt>
                <dd>
                  <code class="hash">{ballot.commitment}</code>
                </dd>
                <dt>{m.salt}</dt>
                <dd>
                  <code class="hash">{ballot.salt}</code>
                </dd>
              </dl>
            </>
          )}
        </>
      )}
    </Section>
  );
}

function Decision({ view, decision }: { view: ProposalPageView; decision: NonNullable<ProposalPageView['decision']> }) {
  const { locale } = usePage();
  const m = governanceMessages(locale);
  const { rules, id } = view.proposal;
  const number = new Intl.NumberFormat(locale);
  const jsonBase = `/plugins/governance/proposals/${id}`;
  return (
    <>
      <Section id="outcome" title={m.outcome}>
        <p class="lead">{decision.outcome === 'adopted' ? m.adopted : m.rejected}</p>
        <p>{m.reasons[decision.reason] ?? decision.reason}</p>
        {decision.tally.winner !== undefined && <p>{m.winner(choiceName(decision.tally.winner, m))}</p>}
        <p>{m.closedOn(dateText(decision.closedAt, locale))}</p>
        {decision.supersededBy !== undefined && (
          <p>
            {m.supersededBy} <a href={proposalPath(decision.supersededBy)}>{decision.supersededBy}</a>
          </p>
        )}
      </Section>
      <Section id="tally" title={m.tally}>
        <TallyTable counts={decision.tally.counts} rules={rules} m={m} locale={locale} />
        {decision.tally.rounds !== undefined && <h3>{m.rounds}</h3>}
        {decision.tally.rounds !== undefined && <RoundsTable rounds={decision.tally.rounds} rules={rules} m={m} locale={locale} />}
      </Section>
      <Section id="turnout" title={m.turnout}>
        <dl>
          <dt>{m.eligible}</dt>
          <dd>{number.format(decision.turnout.eligible)}</dd>
          <dt>{m.counted}</dt>
          <dd>{number.format(decision.turnout.counted)}</dd>
          <dt>{m.abstained}</dt>
          <dd>{number.format(decision.turnout.abstained)}</dd>
          <dt>{m.quorumMet}</dt>
          <dd>{decision.turnout.quorumMet ? m.yes : m.no}</dd>
        </dl>
      </Section>
      <Section id="anchoring" title={m.anchoring}>
        <p>
          {m.root}: <code class="hash">{decision.root}</code>
        </p>
        <AnchoringText anchoring={decision.anchoring} />
        <p>{m.recount}</p>
        <ul>
          <li>
            <a href={`${jsonBase}/ballot-set`}>{m.ballotSet}</a>
          </li>
          <li>
            <a href={`${jsonBase}/recount`}>{m.recountLink}</a>
          </li>
        </ul>
      </Section>
      <Section id="proof" title={m.yourProof}>
        {view.proof === undefined ? (
          <p>{m.noProof}</p>
        ) : (
          <>
            <p>{m.countedForYou(responseText(view.proof.leaf.response, rules, m))}</p>
            {view.proof.leaf.via.length > 0 && <p>{m.countedThroughDelegate}</p>}
            <InclusionProofCheck proof={view.proof} root={decision.root} />
          </>
        )}
      </Section>
    </>
  );
}

function AnchoringText({ anchoring }: { anchoring: AnchoringForPages }) {
  const m = governanceMessages(usePage().locale);
  if (anchoring.state === 'off') return <p>{m.anchorUnavailable}</p>;
  if (anchoring.state === 'pending') return <p>{m.anchorPending}</p>;
  return (
    <>
      <p>{m.anchored}</p>
      <p>
        {m.anchoredTx}: <code class="hash">{anchoring.transactionHash}</code> · <a href={anchoring.receiptUrl}>{m.receipt}</a>
      </p>
    </>
  );
}

/** The options in the proposal's order, then any other the counts name. */
function optionsOf(counts: Record<string, number>, rules: VotingRules): string[] {
  return [...rules.choices.filter((choice) => choice in counts), ...Object.keys(counts).filter((key) => !rules.choices.includes(key))];
}

/** A table that scrolls sideways on a narrow screen, in a region keyboard users can focus and scroll (WCAG 2.1.1). */
function ScrollingTable({ caption, children }: { caption: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

interface TableProps {
  rules: VotingRules;
  m: GovernanceMessages;
  locale: Locale;
}

function TallyTable({ counts, rules, m, locale }: { counts: Record<string, number> } & TableProps) {
  const number = new Intl.NumberFormat(locale);
  return (
    <ScrollingTable caption={m.tallyCaption}>
        <thead>
          <tr>
            <th scope="col">{m.option}</th>
            <th scope="col" class="number">
              {m.votes}
            </th>
          </tr>
        </thead>
        <tbody>
          {optionsOf(counts, rules).map((option) => (
            <tr>
              <th scope="row">{choiceName(option, m)}</th>
              <td class="number">{number.format(counts[option] ?? 0)}</td>
            </tr>
          ))}
        </tbody>
    </ScrollingTable>
  );
}

/** One row per round: the votes of each option still in, and the options eliminated at its end. */
function RoundsTable({ rounds, rules, m, locale }: { rounds: NonNullable<DecisionView['tally']['rounds']> } & TableProps) {
  const number = new Intl.NumberFormat(locale);
  const options = rules.choices.filter((choice) => choice !== ABSTAIN);
  return (
    <ScrollingTable caption={m.roundsCaption}>
        <thead>
          <tr>
            <th scope="col">{m.roundColumn}</th>
            {options.map((option) => (
              <th scope="col" class="number">
                {choiceName(option, m)}
              </th>
            ))}
            <th scope="col">{m.eliminated}</th>
          </tr>
        </thead>
        <tbody>
          {rounds.map((round, index) => (
            <tr>
              <th scope="row">{m.round(index + 1)}</th>
              {options.map((option) => (
                <td class="number">{option in round.counts ? number.format(round.counts[option]!) : m.noRank}</td>
              ))}
              <td>{round.eliminated.length === 0 ? m.nobody : round.eliminated.map((option) => choiceName(option, m)).join(', ')}</td>
            </tr>
          ))}
        </tbody>
    </ScrollingTable>
  );
}
