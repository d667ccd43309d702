import type { Appeals } from '../appeals';
import type { ReputationLedger } from '../ratings';

/** What the passport's summary reads of the ledger. */
export type ScoreReader = Pick<ReputationLedger, 'score' | 'trend'>;

/** What the pages read of the ledger. */
export type RatingsReader = Pick<ReputationLedger, 'score' | 'trend' | 'ratingsAbout' | 'ratingsBy' | 'rating'>;

/** What the pages read of the appeals: appeals about the person's ratings, replies under each rating. */
export type AppealsReader = Pick<Appeals, 'appealsFor' | 'repliesTo'>;
