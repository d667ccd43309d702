/** Ratings of spaces and reports of problem spaces (docs/marketplace.md). */
export { RATING_STORES, DIMENSIONS, REPORT_CATEGORIES, type ReportCategory, type ReportState } from './records';
export { SpaceRatings, NotAttendedError, type RatingView, type RatingsOverview, type SpaceRatingsOptions } from './space-ratings';
export type { ReportView } from './reports';
export { ratingRoutes, type RatingRoutesOptions } from './routes';
