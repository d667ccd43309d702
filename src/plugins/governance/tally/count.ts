/**
 * Counting the votes under each mechanism (every counted vote weighs 1: a delegate's ballot counts
 * once for them and once for each member whose chain reached them). What a count decides, before
 * quorum: adopted, or rejected for no-votes, blocked, tie or threshold-not-met.
 */
import type { TallyCounts, VotingRules } from '../model';
import { exceeds } from './fraction';
import { ABSTAIN, optionsOf } from './responses';
import { runoff } from './runoff';
import type { ParsedResponse, RejectionReason } from './types';

export interface Count {
  tally: TallyCounts;
  reason: 'adopted' | Exclude<RejectionReason, 'quorum-not-met'>;
}

type Cast<Shape> = Extract<ParsedResponse, Shape>;

export function count(rules: VotingRules, votes: readonly ParsedResponse[]): Count {
  const cast = votes.filter((vote) => !('abstain' in vote));
  const abstained = votes.length - cast.length;
  const options = optionsOf(rules);
  const result = cast.length === 0 ? noVotes(options) : countCast(rules, options, cast);
  if (rules.choices.includes(ABSTAIN) || abstained > 0) result.tally.counts[ABSTAIN] = abstained;
  return result;
}

function zeros(options: string[]): Record<string, number> {
  return Object.fromEntries(options.map((option) => [option, 0]));
}

function noVotes(options: string[]): Count {
  return { tally: { counts: zeros(options) }, reason: 'no-votes' };
}

function countCast(rules: VotingRules, options: string[], cast: ParsedResponse[]): Count {
  switch (rules.mechanism) {
    case 'simple-majority':
    case 'supermajority':
    case 'consensus':
      return yesNo(rules, options, cast as Cast<{ choice: string }>[]);
    case 'approval':
      return approval(rules, options, cast as Cast<{ approve: string[] }>[]);
    case 'instant-runoff':
      return instantRunoff(rules, options, cast as Cast<{ ranking: string[] }>[]);
    case 'score':
      return score(rules, options, cast as Cast<{ scores: Record<string, number> }>[]);
  }
}

/** support = yes / (yes + no + block) > threshold; consensus: any block rejects. */
function yesNo(rules: VotingRules, options: string[], cast: Cast<{ choice: string }>[]): Count {
  const counts = zeros(options);
  for (const { choice } of cast) counts[choice]! += 1;
  const tally = { counts };
  if (rules.mechanism === 'consensus' && counts.block! > 0) return { tally, reason: 'blocked' };
  return { tally, reason: exceeds(counts.yes ?? 0, cast.length, rules.threshold) ? 'adopted' : 'threshold-not-met' };
}

/** The most approved option wins (a tie at the top: no winner) if its approvals / non-abstaining votes > threshold. */
function approval(rules: VotingRules, options: string[], cast: Cast<{ approve: string[] }>[]): Count {
  const counts = zeros(options);
  for (const { approve } of cast) for (const option of approve) counts[option]! += 1;
  return decideByTop(counts, options, (top) => exceeds(counts[top]!, cast.length, rules.threshold));
}

/** The highest total wins (a tie: no winner) if (mean − min) / (max − min) > threshold. */
function score(rules: VotingRules, options: string[], cast: Cast<{ scores: Record<string, number> }>[]): Count {
  const counts = zeros(options);
  for (const { scores } of cast) for (const option of options) counts[option]! += scores[option]!;
  const { min, max } = rules.scoreRange!;
  return decideByTop(counts, options, (top) => exceeds(counts[top]! - min * cast.length, (max - min) * cast.length, rules.threshold));
}

function decideByTop(counts: Record<string, number>, options: string[], wins: (top: string) => boolean): Count {
  const highest = Math.max(...options.map((option) => counts[option]!));
  const top = options.filter((option) => counts[option] === highest);
  if (top.length > 1) return { tally: { counts }, reason: 'tie' };
  return wins(top[0]!) ? { tally: { counts, winner: top[0]! }, reason: 'adopted' } : { tally: { counts }, reason: 'threshold-not-met' };
}

/** counts are the first preferences; rounds and winner come from runoff(). */
function instantRunoff(rules: VotingRules, options: string[], cast: Cast<{ ranking: string[] }>[]): Count {
  const { rounds, winner } = runoff(options, cast.map(({ ranking }) => ranking), rules.threshold);
  const counts = { ...rounds[0]!.counts };
  return winner === undefined ? { tally: { counts, rounds }, reason: 'threshold-not-met' } : { tally: { counts, rounds, winner }, reason: 'adopted' };
}
