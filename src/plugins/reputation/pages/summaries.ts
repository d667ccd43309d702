import type { ReputationSummaries } from '../../../plugin-api';
import { badgesOf } from './badges';
import { MY_REPUTATION_PATH } from './routes';
import { TREND_DAYS } from './score-section';
import type { ScoreReader } from './sources';

/**
 * The `reputation` service other plugins read (the passport's learning profile shows it): a
 * person's scores and badges, merged over their identities, and where they read the details.
 */
export function reputationSummaries(ledger: ScoreReader): ReputationSummaries {
  return {
    async summaryOf(agentKeys) {
      const [score, trend] = await Promise.all([ledger.score(agentKeys), ledger.trend(agentKeys, TREND_DAYS)]);
      const { current, historical, totalRatings, recentRatings } = score;
      return { current, historical, totalRatings, recentRatings, badges: badgesOf(score, trend), href: MY_REPUTATION_PATH };
    },
  };
}
