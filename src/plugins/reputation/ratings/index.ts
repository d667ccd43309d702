/** Ratings: the rules, the ledger and its routes (docs/reputation.md). */
export { LEDGER_STORES } from './stores';
export { ReputationLedger, type LedgerOptions } from './ledger';
export { parseRating, caseIdOf, type RatingFacts } from './rating';
export { ratingRoutes, curveDescription, READ_SCOPE, type RatingRoutesOptions } from './routes';
