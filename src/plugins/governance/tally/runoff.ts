/**
 * Instant-runoff rounds. Each round counts every continuing ballot for its highest-ranked
 * continuing option; the unique leader wins when its share of the round's ballots exceeds the
 * threshold. Otherwise the option with the fewest is eliminated — a tie goes to the fewest in the
 * previous round, back to round 1, and then to the one listed last in `choices` — and its ballots
 * pass to their next continuing option; a ballot with none left is exhausted. When one option is
 * left it wins if its share exceeds the threshold. Work is linear in the ballots' ranked ids: each
 * ballot moves only when its current option is eliminated.
 */
import type { TallyCounts } from '../model';
import { exceeds } from './fraction';

export interface RunoffResult {
  rounds: NonNullable<TallyCounts['rounds']>;
  winner?: string;
}

/** `rankings` list ids of `options`, each at most once. */
export function runoff(options: string[], rankings: string[][], threshold: number): RunoffResult {
  const indexOf = new Map(options.map((option, index) => [option, index]));
  const continuing = new Set(options.map((_, index) => index));
  const piles: number[][] = options.map(() => []);
  const cursor = new Int32Array(rankings.length);
  rankings.forEach((ranking, ballot) => piles[indexOf.get(ranking[0]!)!]!.push(ballot));
  const history: number[][] = [];
  const rounds: RunoffResult['rounds'] = [];
  for (;;) {
    const counts = piles.map((pile) => pile.length);
    history.push(counts);
    const round = { counts: Object.fromEntries([...continuing].map((index) => [options[index]!, counts[index]!])), eliminated: [] as string[] };
    rounds.push(round);
    const total = [...continuing].reduce((sum, index) => sum + counts[index]!, 0);
    if (total === 0) return { rounds };
    const leader = uniqueLeader(continuing, counts);
    if (leader !== undefined && exceeds(counts[leader]!, total, threshold)) return { rounds, winner: options[leader] };
    if (continuing.size === 1) return { rounds };
    const loser = toEliminate(continuing, history);
    round.eliminated.push(options[loser]!);
    continuing.delete(loser);
    for (const ballot of piles[loser]!) {
      const ranking = rankings[ballot]!;
      let next = cursor[ballot]! + 1;
      while (next < ranking.length && !continuing.has(indexOf.get(ranking[next]!)!)) next++;
      cursor[ballot] = next;
      if (next < ranking.length) piles[indexOf.get(ranking[next]!)!]!.push(ballot);
    }
    piles[loser] = [];
  }
}

function uniqueLeader(continuing: ReadonlySet<number>, counts: number[]): number | undefined {
  let leader: number | undefined;
  let tied = false;
  for (const index of continuing) {
    if (leader === undefined || counts[index]! > counts[leader]!) [leader, tied] = [index, false];
    else if (counts[index] === counts[leader]) tied = true;
  }
  return tied ? undefined : leader;
}

/** The fewest in the last round; ties go back a round at a time, then to the option listed last. */
function toEliminate(continuing: ReadonlySet<number>, history: number[][]): number {
  let tied = [...continuing];
  for (let round = history.length - 1; round >= 0 && tied.length > 1; round--) {
    const counts = history[round]!;
    const fewest = Math.min(...tied.map((index) => counts[index]!));
    tied = tied.filter((index) => counts[index] === fewest);
  }
  return Math.max(...tied);
}
