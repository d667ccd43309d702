import type { AgentKey, FraudSignal } from '../../model';
import { confidenceAbove, hours, isExtreme, modalScore, percent, type RatingFact, type RatingIndex, signal } from './facts';

/** A rating comes from a new account when its rater was first seen at most this long before it: a week. */
export const NEW_ACCOUNT_AGE_SEC = 7 * 86_400;
/** An account that rated at most this many different people in all is narrow: it exists for them. */
export const NARROW_MAX_RATEES = 3;
/** At least this many narrow new accounts rated the same person… */
export const CLUSTER_MIN_ACCOUNTS = 5;
/** …first seen within this window of one another (created together)… */
export const CLUSTER_JOIN_WINDOW_SEC = 24 * 3600;
/** …and their ratings of that person are extreme (isExtreme: a mean of at least 4.5 or at most 1.5). */

interface Account {
  key: AgentKey;
  firstSeenSec: number;
  ratings: RatingFact[];
}

/** The narrow new accounts that rated this person, in the order they were first seen. */
function newNarrowRaters(received: RatingFact[], narrow: (rater: AgentKey) => boolean): Account[] {
  const accounts = new Map<AgentKey, Account>();
  for (const rating of received) {
    if (rating.storedSec - rating.raterFirstSeenSec > NEW_ACCOUNT_AGE_SEC || !narrow(rating.rater)) continue;
    const account = accounts.get(rating.rater);
    if (account) account.ratings.push(rating);
    else accounts.set(rating.rater, { key: rating.rater, firstSeenSec: rating.raterFirstSeenSec, ratings: [rating] });
  }
  return [...accounts.values()].sort((a, b) => a.firstSeenSec - b.firstSeenSec || (a.key < b.key ? -1 : 1));
}

/** Windows of accounts first seen together whose ratings are extreme (running sums: linear). */
function clusters(accounts: Account[]): Account[][] {
  const found: Account[][] = [];
  let sum = 0;
  let total = 0;
  const add = (account: Account, sign: 1 | -1) => {
    for (const rating of account.ratings) {
      total += sign;
      sum += sign * rating.score;
    }
  };
  let start = 0;
  for (let end = 0; end < accounts.length; end += 1) {
    add(accounts[end], 1);
    while (accounts[end].firstSeenSec - accounts[start].firstSeenSec > CLUSTER_JOIN_WINDOW_SEC) add(accounts[start++], -1);
    const closes = end + 1 === accounts.length || accounts[end + 1].firstSeenSec - accounts[start].firstSeenSec > CLUSTER_JOIN_WINDOW_SEC;
    if (closes && end + 1 - start >= CLUSTER_MIN_ACCOUNTS && isExtreme(sum, total)) {
      found.push(accounts.slice(start, end + 1));
      for (; start <= end; start += 1) add(accounts[start], -1);
    }
  }
  return found;
}

/** Accounts created together that exist to rate one person, all with extreme scores (5s, or 1s). */
export function detectNewAccountClusters(index: RatingIndex): FraudSignal[] {
  const narrow = (rater: AgentKey) => (index.byDirection.get(rater)?.size ?? 0) <= NARROW_MAX_RATEES;
  const signals: FraudSignal[] = [];
  for (const [ratee, received] of index.byRatee) {
    if (received.length < CLUSTER_MIN_ACCOUNTS) continue;
    for (const cluster of clusters(newNarrowRaters(received, narrow))) {
      const ratings = cluster.flatMap((account) => account.ratings);
      const { score, share } = modalScore(ratings);
      const joinSpan = cluster[cluster.length - 1].firstSeenSec - cluster[0].firstSeenSec;
      signals.push(
        signal(
          'new-account-cluster',
          cluster.map((account) => account.key),
          confidenceAbove(cluster.length, CLUSTER_MIN_ACCOUNTS),
          ratings,
          `${cluster.length} accounts first seen within ${hours(joinSpan)} of one another, each rating at most ${NARROW_MAX_RATEES} people, gave ${ratee} ${ratings.length} ratings within their first week, ${percent(share, 1)} of them ${score}.`,
        ),
      );
    }
  }
  return signals;
}
