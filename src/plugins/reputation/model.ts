/**
 * The reputation plugin's shared records (docs/reputation.md): what its stores hold and what its
 * services answer. Times are whole seconds since the epoch (`…Sec`), from the LRS's `stored`.
 */

/** An Agent's IFI key (`ifiKey` of the plugin API): `mbox:…`, `sha1:…`, `openid:…`, `account:<homePage>|<name>`. */
export type AgentKey = string;

export type PersonRole = 'tutor' | 'student' | 'peer';

/** The decay curve and the sealing period: configuration, published at GET /plugins/reputation/curve. */
export interface DecayCurve {
  /** A rating's weight falls linearly from 1 when stored to 0 at this age. */
  windowDays: number;
  /** A tutor↔student rating stays sealed until both rated the session or this many days passed. */
  sealDays: number;
}

/** Why a rating statement counts nowhere, or counts no more. */
export type RatingState =
  /** Counts (revealed at `revealAtSec`; sealed before then). */
  | 'counted'
  /** A later rating of the same person for the same session, before reveal, replaced it. */
  | 'superseded'
  /** Sent after the pair's ratings were revealed: a revealed rating cannot change. */
  | 'after-reveal'
  /** Rater and ratee are not both in an institution's attendance of the session (yet). */
  | 'no-shared-session'
  | 'voided';

/** Store `ratings` (derived), id = the rating statement's id: one per well-formed rating statement. */
export interface RatingRecord {
  rater: AgentKey;
  ratee: AgentKey;
  raterName?: string;
  rateeName?: string;
  /** The session activity id (`context.contextActivities.parent[0].id`). */
  session: string;
  /** `<session>\n<smaller agent key>\n<larger agent key>`: both directions of one pair in one session. */
  caseId: string;
  score: 1 | 2 | 3 | 4 | 5;
  comment?: string;
  dimensions?: Record<string, number>;
  raterRole: PersonRole;
  rateeRole: PersonRole;
  storedSec: number;
  state: RatingState;
  /** When it is (or will be) revealed; set while `state` is counted. */
  revealAtSec?: number;
  /** Weight multiplier in percent (100 = none) from the penalties covering the rater at `storedSec`. */
  penaltyPercent: number;
}

/** GET /plugins/reputation/score (stable route: keep the names). */
export interface ReputationScore {
  /** Σ w·score / Σ w over revealed counted ratings younger than the window; null without any. */
  current: number | null;
  /** Mean of every revealed counted rating (penalty-weighted); null without any. */
  historical: number | null;
  totalRatings: number;
  recentRatings: number;
  asOf: string;
}

/** One rating's part in a score (GET /plugins/reputation/explain). */
export interface Contribution {
  ratingId: string;
  session: string;
  score: number;
  stored: string;
  ageDays: number;
  /** 1 − age/window (0 from the window on). */
  decay: number;
  /** The penalty multiplier (1 = none). */
  penaltyFactor: number;
  /** decay × penaltyFactor. */
  weight: number;
  /** The same as an integer: (windowSec − ageSec) × penaltyPercent; the score is Σ units·score / Σ units exactly. */
  weightUnits: number;
  /** Its share of `current`: weightUnits·score / Σ weightUnits (the shares sum to `current`). */
  contribution: number;
  rater?: { key: AgentKey; name?: string };
  raterRole: PersonRole;
}

export interface ExplainedScore extends ReputationScore {
  curve: DecayCurve;
  /** Σ weightUnits·score and Σ weightUnits over `contributions`: current = numerator / denominator. */
  numerator: number;
  denominator: number;
  contributions: Contribution[];
}

/** A fraud signal a detector raised (store `flags`, id = a stable hash of kind + subjects). */
/** As the profile's fraud-signal extension names them. */
export type FraudSignalKind = 'burst' | 'serial-rating' | 'reciprocal-pair' | 'ring' | 'new-account-cluster' | 'consensus-outlier';

export interface FraudSignal {
  kind: FraudSignalKind;
  /** The raters it is about (penalties apply to them). */
  subjects: AgentKey[];
  /** 0–1. */
  confidence: number;
  /** Rating statement ids that show it (at most 50). */
  evidence: string[];
  /** One sentence a moderator reads (English), with the figures that raised it. */
  explanation: string;
}
