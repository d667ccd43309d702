/**
 * An independent, brute-force reading of docs/governance.md's "How votes are counted", used only by
 * tests and to compute the expected values of generated test vectors: no code shared with the
 * tally but the types. It rescans the whole log for every decision (quadratic and worse), picks
 * by sorting, follows delegations one hop at a time with a visited list, recounts instant-runoff
 * from scratch every round, and compares fractions through the shortest decimal found by
 * multiplying by powers of ten. Slow on purpose: it is the obvious reading, checked against the
 * fast one.
 */
import { createHash } from 'node:crypto';
import type { TallyCounts, Turnout, VotingRules } from '../model';
import type { BallotEntry, CountedVote, IgnoredBallot, TallyInput, TallyResult } from './types';

type Content = { abstain: true } | { ids: string[] } | { scores: Map<string, number> } | undefined;

const YES_NO: Record<string, string[]> = { 'simple-majority': ['yes', 'no'], supermajority: ['yes', 'no'], consensus: ['yes', 'no', 'block'] };

function options(rules: VotingRules): string[] {
  const accepted = YES_NO[rules.mechanism];
  return rules.choices.filter((choice) => (accepted ? accepted.includes(choice) : choice !== 'abstain'));
}

function read(rules: VotingRules, response: string): Content {
  if (response === 'abstain') return rules.choices.includes('abstain') ? { abstain: true } : undefined;
  const known = options(rules);
  const parts = response.split('[,]');
  if (rules.mechanism === 'score') {
    const scores = new Map<string, number>();
    for (const part of parts) {
      const pieces = part.split('[.]');
      if (pieces.length !== 2 || !known.includes(pieces[0]!) || scores.has(pieces[0]!) || !/^-?(0|[1-9]\d*)$/.test(pieces[1]!)) return undefined;
      const value = parseInt(pieces[1]!, 10);
      if (value < rules.scoreRange!.min || value > rules.scoreRange!.max) return undefined;
      scores.set(pieces[0]!, value);
    }
    return scores.size === known.length ? { scores } : undefined;
  }
  if (YES_NO[rules.mechanism] && parts.length !== 1) return undefined;
  if (parts.some((part) => !known.includes(part)) || new Set(parts).size !== parts.length) return undefined;
  return { ids: parts };
}

function normalised(rules: VotingRules, content: Exclude<Content, undefined>): string {
  if ('abstain' in content) return 'abstain';
  if ('scores' in content) return options(rules).map((option) => `${option}[.]${content.scores.get(option)}`).join('[,]');
  if (rules.mechanism === 'approval') return options(rules).filter((option) => content.ids.includes(option)).join('[,]');
  return content.ids.join('[,]');
}

function contentOf(input: TallyInput, ballot: BallotEntry): Content {
  const rules = input.proposal.rules;
  if (ballot.kind === 'public') return typeof ballot.response === 'string' ? read(rules, ballot.response) : undefined;
  if (ballot.response === undefined || ballot.salt === undefined) return { abstain: true };
  const hash = createHash('sha256').update(Buffer.from(ballot.salt + ':' + ballot.response, 'utf8')).digest('hex');
  if (hash !== ballot.commitment) return { abstain: true };
  return read(rules, ballot.response) ?? { abstain: true };
}

/** The smallest k with value = n / 10^k exactly as a double; then part·10^k vs n·whole. */
function compareWithDecimal(part: number, whole: number, value: number): number {
  for (let k = 0; k <= 30; k++) {
    const n = Math.round(value * 10 ** k);
    if (n / 10 ** k === value || Number(`${n}e-${k}`) === value) {
      const left = BigInt(part) * 10n ** BigInt(k);
      const right = BigInt(n) * BigInt(whole);
      return left === right ? 0 : left > right ? 1 : -1;
    }
  }
  throw new Error(`no short decimal for ${value}`);
}

function inWindow(rules: VotingRules, stored: string): boolean {
  const at = new Date(stored).getTime();
  return new Date(rules.opensAt).getTime() <= at && at < new Date(rules.closesAt).getTime();
}

function delegateOf(input: TallyInput, member: string): string | undefined {
  const mine = input.delegations.filter((delegation) => delegation.delegator === member);
  const byLatest = (list: typeof mine) => [...list].sort((one, other) => other.position - one.position || (other.delegate > one.delegate ? 1 : other.delegate < one.delegate ? -1 : 0))[0];
  return (byLatest(mine.filter((d) => d.proposalKind === input.proposal.kind)) ?? byLatest(mine.filter((d) => d.proposalKind === undefined)))?.delegate;
}

export function referenceTally(input: TallyInput): TallyResult {
  const rules = input.proposal.rules;
  const eligible = [...new Set(input.eligible)];
  const ignored: IgnoredBallot[] = [];
  const own = new Map<string, { ballot: BallotEntry; content: Exclude<Content, undefined> }>();
  for (const ballot of input.ballots) {
    let reason: IgnoredBallot['reason'] | undefined;
    if (!eligible.includes(ballot.voter)) reason = 'not-eligible';
    else if (!inWindow(rules, ballot.stored)) reason = 'outside-window';
    else if (contentOf(input, ballot) === undefined) reason = 'invalid-response';
    else {
      const rivals = input.ballots.filter((other) => other.voter === ballot.voter && inWindow(rules, other.stored) && contentOf(input, other) !== undefined);
      const last = rivals.sort((one, other) => other.position - one.position || (other.statementId > one.statementId ? 1 : other.statementId < one.statementId ? -1 : 0))[0]!;
      if (last !== ballot) reason = 'superseded';
      else own.set(ballot.voter, { ballot, content: contentOf(input, ballot)! });
    }
    if (reason) ignored.push({ statementId: ballot.statementId, voter: ballot.voter, reason });
  }
  const counted: Array<CountedVote & { content: Exclude<Content, undefined> }> = [];
  for (const member of eligible) {
    const mine = own.get(member);
    if (mine) {
      counted.push({ voter: member, statementId: mine.ballot.statementId, response: normalised(rules, mine.content), abstained: 'abstain' in mine.content, via: [], content: mine.content });
      continue;
    }
    const chain: string[] = [];
    let at: string | undefined = delegateOf(input, member);
    while (at !== undefined && eligible.includes(at) && at !== member && !chain.includes(at) && !own.has(at)) {
      chain.push(at);
      at = delegateOf(input, at);
    }
    const reached = at !== undefined ? own.get(at) : undefined;
    if (reached && eligible.includes(at!)) {
      const via = chain.length === 0 ? [at!] : [chain[0]!, at!];
      counted.push({ voter: member, statementId: reached.ballot.statementId, response: normalised(rules, reached.content), abstained: 'abstain' in reached.content, via, content: reached.content });
    }
  }
  const abstained = counted.filter((vote) => vote.abstained).length;
  const turnout: Turnout = { eligible: eligible.length, counted: counted.length, abstained, quorumMet: compareWithDecimal(counted.length, eligible.length, rules.quorum) >= 0 };
  const { tally, reason } = decide(rules, counted.map((vote) => vote.content).filter((content) => !('abstain' in content)) as Array<Exclude<Content, undefined | { abstain: true }>>);
  if (rules.choices.includes('abstain') || abstained > 0) tally.counts.abstain = abstained;
  const byText = (one: string, other: string) => (one < other ? -1 : one > other ? 1 : 0);
  return {
    outcome: turnout.quorumMet && reason === 'adopted' ? 'adopted' : 'rejected',
    reason: turnout.quorumMet ? reason : 'quorum-not-met',
    tally,
    turnout,
    counted: counted.map(({ content: _content, ...vote }) => vote).sort((one, other) => byText(one.voter, other.voter)),
    ignored: ignored.sort((one, other) => byText(one.statementId, other.statementId) || byText(one.reason, other.reason) || byText(one.voter, other.voter)),
  };
}

type Cast = { ids: string[] } | { scores: Map<string, number> };

function decide(rules: VotingRules, cast: Cast[]): { tally: TallyCounts; reason: TallyResult['reason'] } {
  const names = options(rules);
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = 0;
  if (cast.length === 0) return { tally: { counts }, reason: 'no-votes' };
  if (rules.mechanism === 'instant-runoff') return runoffFromScratch(rules, names, cast.map((vote) => (vote as { ids: string[] }).ids));
  for (const vote of cast) {
    for (const name of names) counts[name]! += 'scores' in vote ? vote.scores.get(name)! : vote.ids.includes(name) ? 1 : 0;
  }
  if (YES_NO[rules.mechanism]) {
    if (rules.mechanism === 'consensus' && (counts.block ?? 0) > 0) return { tally: { counts }, reason: 'blocked' };
    return { tally: { counts }, reason: compareWithDecimal(counts.yes ?? 0, cast.length, rules.threshold) > 0 ? 'adopted' : 'threshold-not-met' };
  }
  const best = names.filter((name) => names.every((other) => counts[other]! <= counts[name]!));
  if (best.length !== 1) return { tally: { counts }, reason: 'tie' };
  const winner = best[0]!;
  const wins =
    rules.mechanism === 'score'
      ? compareWithDecimal(counts[winner]! - rules.scoreRange!.min * cast.length, (rules.scoreRange!.max - rules.scoreRange!.min) * cast.length, rules.threshold) > 0
      : compareWithDecimal(counts[winner]!, cast.length, rules.threshold) > 0;
  return wins ? { tally: { counts, winner }, reason: 'adopted' } : { tally: { counts }, reason: 'threshold-not-met' };
}

function runoffFromScratch(rules: VotingRules, names: string[], rankings: string[][]): { tally: TallyCounts; reason: TallyResult['reason'] } {
  const out: string[] = [];
  const rounds: NonNullable<TallyCounts['rounds']> = [];
  for (;;) {
    const left = names.filter((name) => !out.includes(name));
    const counts: Record<string, number> = {};
    for (const name of left) counts[name] = rankings.filter((ranking) => ranking.find((id) => !out.includes(id)) === name).length;
    const round = { counts, eliminated: [] as string[] };
    rounds.push(round);
    const total = left.reduce((sum, name) => sum + counts[name]!, 0);
    const most = Math.max(...left.map((name) => counts[name]!));
    const leaders = left.filter((name) => counts[name] === most);
    const finish = (winner?: string) => ({ tally: { counts: { ...rounds[0]!.counts }, rounds, ...(winner && { winner }) }, reason: winner ? ('adopted' as const) : ('threshold-not-met' as const) });
    if (leaders.length === 1 && compareWithDecimal(most, total, rules.threshold) > 0) return finish(leaders[0]);
    if (left.length === 1) return finish();
    let tied = left.filter((name) => counts[name] === Math.min(...left.map((other) => counts[other]!)));
    for (let back = rounds.length - 2; back >= 0 && tied.length > 1; back--) {
      const earlier = rounds[back]!.counts;
      tied = tied.filter((name) => earlier[name] === Math.min(...tied.map((other) => earlier[other]!)));
    }
    const loser = tied.sort((one, other) => names.indexOf(other) - names.indexOf(one))[0]!;
    round.eliminated.push(loser);
    out.push(loser);
  }
}
