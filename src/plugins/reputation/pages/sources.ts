import type { Appeals } from '../appeals';
import type { AgentKey, ReputationScore } from '../model';
import type { ReputationLedger } from '../ratings';
import { badgesOf, type Badge, type TrendPoint } from './badges';

/** The days of the trend chart (and of the `steady` badge). */
export const TREND_DAYS = 90;

/** What the passport's summary reads of the ledger. */
export type ScoreReader = Pick<ReputationLedger, 'score' | 'trend'>;

/** What the pages read of the ledger. */
export type RatingsReader = Pick<ReputationLedger, 'score' | 'trend' | 'ratingsAbout' | 'ratingsBy' | 'rating'>;

/** What the pages read of the appeals: appeals about the person's ratings, replies under each rating. */
export type AppealsReader = Pick<Appeals, 'appealsFor' | 'repliesTo'>;

/** A person's score, trend over TREND_DAYS and badges, merged over their identities (none without any identity). */
export async function reputationOf(ledger: ScoreReader, agents: AgentKey[]): Promise<{ score: ReputationScore; trend: TrendPoint[]; badges: Badge[] }> {
  if (agents.length === 0) return { score: { current: null, historical: null, totalRatings: 0, recentRatings: 0, asOf: new Date().toISOString() }, trend: [], badges: [] };
  const [score, trend] = await Promise.all([ledger.score(agents), ledger.trend(agents, TREND_DAYS)]);
  return { score, trend, badges: badgesOf(score, trend) };
}
