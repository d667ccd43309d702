/** The person's reputation pages, others' pages, badges and the service the passport reads (docs/reputation.md). */
export { badgesOf, BADGE_THRESHOLDS, type Badge } from './badges';
export { REPUTATION_NAV, reputationPages, type ReputationPagesOptions } from './routes';
export { reputationSummaries } from './summaries';
