/** What a pull source is, as the store `pulls` keeps it (docs/federation.md, "Pull"). */
import type { PluginStoreDeclaration } from '../../../plugin-api';

/** The xAPI GET /statements filters a pull passes on to the peer (Communication 2.1.3), as given. */
export interface PullFilters {
  agent?: object;
  verb?: string;
  activity?: string;
  registration?: string;
  related_activities?: boolean;
  related_agents?: boolean;
}

/**
 * Where the next page comes from: the peer's `more` link of the last page stored, else `since`
 * (the newest `stored` received, exclusive) less 1 ms, skipping the statements of that last
 * millisecond already received (`boundaryIds`): a batch shares one stored time, and a page may end
 * inside it.
 */
export interface PullCursor {
  since?: string;
  more?: string;
  boundaryIds?: string[];
}

export interface PullSource {
  /** A UUID. */
  id: string;
  /** The slug of the peer pulled from. */
  peer: string;
  filters: PullFilters;
  /** Where the pull started (exclusive), ISO 8601; from the peer's first statement without it. */
  since?: string;
  cursor: PullCursor;
  state: 'active' | 'paused';
  counts: { received: number; refused: number };
  /** The refusals by reason ("400 INVALID_STATEMENT"), the most frequent first (their statements are dead letters). */
  refusals: Array<{ reason: string; count: number }>;
  /** The peer's `stored` of the first statement received: where progress is measured from. */
  firstStored?: string;
  /** The last peer-level failure (unreachable, 5xx, garbage), cleared by the next page stored. */
  lastError?: { at: string; reason: string };
  /** The last page read had no `more`: everything the peer held then is here. */
  caughtUp: boolean;
  /** When the last page stored was asked of the peer (what `caughtUp` is as of). */
  lastReadAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const PULL_STORES: Record<string, PluginStoreDeclaration> = {
  pulls: { indexes: [{ name: 'by_peer', fields: ['peer'] }, { name: 'by_state', fields: ['state'] }] },
};

export const PULL_JOB = 'pull';

/** The refusal reasons a source keeps count of; others are counted under the last one (…). */
export const MAX_REFUSAL_REASONS = 20;
