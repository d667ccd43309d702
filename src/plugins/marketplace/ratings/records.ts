/**
 * What the ratings feature keeps (docs/marketplace.md): ratings and their per-space summaries,
 * derived from the space-rated statements this plugin recorded, and reports of problem spaces
 * (their workflow state decided here; the report itself is a space-reported statement).
 */
import type { PluginStoreDeclaration } from '../../../plugin-api';
import type { AgentKey, RatingSummary } from '../model';

/** The plugin's name: statements count when it recorded them (recordedByPlugin). */
export const PLUGIN_NAME = 'marketplace';

/** The four dimensions of a rating, each an integer 1..5 (the profile's space-rated template). */
export const DIMENSIONS = ['overall', 'safety', 'cleanliness', 'accessibility'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Scores = Record<Dimension, number>;

/** The profile's report-category values (profile.jsonld). */
export const REPORT_CATEGORIES = ['safety', 'cleanliness', 'accessibility', 'misleading-listing', 'unavailable', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export type ReportState = 'open' | 'resolved';
export const REPORT_STATES: readonly ReportState[] = ['open', 'resolved'];

/** Longest review, report description or verifier's note. */
export const MAX_TEXT_LENGTH = 2000;

/** Store `ratings` (derived), id = the space-rated statement's id. */
export interface RatingRecord extends Scores {
  spaceId: string;
  reservationId: string;
  rater: AgentKey;
  raterName?: string;
  review?: string;
  storedMs: number;
  /** Its feed position: of one rater's ratings of one reservation, the one stored last counts. */
  position: number;
  /** Set once its space's summary took it in (RatingLedger.stored's last write). */
  summarized?: true;
}

/** Store `rating_summaries` (derived), id = the space id: what RatingSummaries answers (none while count is 0). */
export interface SummaryRecord extends RatingSummary {
  spaceId: string;
  /** The feed position of the last event that changed it, and the events applied at that position: one delivered again is skipped. */
  appliedPosition: number;
  appliedAtPosition: string[];
}

/** Store `reports` (decided, never emptied by a rebuild), id = the space-reported statement's id. */
export interface ReportRecord {
  spaceId: string;
  reporter: AgentKey;
  reporterName?: string;
  category: ReportCategory;
  description: string;
  filedMs: number;
  state: ReportState;
  resolution?: { verifier: AgentKey; verifierName?: string; note: string; atMs: number };
}

export const RATING_STORES: Record<string, PluginStoreDeclaration> = {
  ratings: {
    derived: true,
    indexes: [
      { name: 'by_space', fields: ['spaceId', 'position'] },
      { name: 'by_pair', fields: ['reservationId', 'rater', 'position'] },
    ],
  },
  rating_summaries: { derived: true, indexes: [{ name: 'by_space', fields: ['spaceId'] }] },
  reports: {
    indexes: [
      { name: 'by_state', fields: ['state', 'filedMs'] },
      { name: 'by_space', fields: ['spaceId', 'filedMs'] },
    ],
  },
};
