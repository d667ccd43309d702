import type { ReputationSummaries } from '../../../plugin-api';
import { MY_REPUTATION_PATH } from './routes';
import { reputationOf, type ScoreReader } from './sources';

/**
 * The `reputation` service other plugins read (the passport's learning profile shows it): a
 * person's scores and badges, merged over their identities, and where they read the details.
 */
export function reputationSummaries(ledger: ScoreReader): ReputationSummaries {
  return {
    async summaryOf(agentKeys) {
      const { score, badges } = await reputationOf(ledger, agentKeys);
      const { current, historical, totalRatings, recentRatings } = score;
      return { current, historical, totalRatings, recentRatings, badges, href: MY_REPUTATION_PATH };
    },
  };
}
