import type { Router } from 'express';
import type { PluginContext } from '../../../plugin-api';
import type { PrivacyStore } from '../privacy';
import type { TimelineEntry } from '../timeline-entries';
import type { TimelineIndex } from '../timeline-index';
import { shareApi } from './api';
import { publicShareRoutes } from './public-page';
import type { RateLimit } from './rate-limit';
import { ShareableItems } from './share-items';
import { ShareStatements } from './share-statements';
import { ShareStore, type Share, type StoredSharePresentation } from './share-store';
import { Shares, summariesOf, type ShareSigner, type ShareSummary } from './shares';
import { sharesPage } from './shares-page';

export { SHARES_STORES } from './share-store';
export { SHARES_PAGE_PATH } from './shares-page';
export type { ShareSummary } from './shares';

export interface ShareRoutesOptions {
  timeline: TimelineIndex;
  privacy: PrivacyStore;
  /** The LRS's issuer (credentials/): signs presentations, keeps the status list. */
  signer: ShareSigner;
  /** The URL of the browser verifier bundle (credentials/). */
  verifierScript: () => string;
  /** Of the public routes (default PUBLIC_SHARE_RATE_LIMIT). */
  rateLimit?: RateLimit;
}

/** A person's shares as they list them (GET /api/shares), for the export: never a token nor its hash. */
export function shareSummaries(context: PluginContext): (personId: string) => Promise<ShareSummary[]> {
  const store = shareStore(context);
  return (personId) => summariesOf(store, personId);
}

function shareStore(context: PluginContext): ShareStore {
  return new ShareStore(context.store<Share>('shares'), context.store<StoredSharePresentation>('share_presentations'));
}

/**
 * Shares (docs/passport.md): the JSON API (/api/shares), the learner's page and form (/shares)
 * and the public share (/s/:token), for the passport's router. Uses the stores of SHARES_STORES
 * and the timeline's `entries`.
 */
export function shareRoutes(context: PluginContext, { timeline, privacy, signer, verifierScript, rateLimit }: ShareRoutesOptions): Router {
  const { people, publicUrl, statements } = context;
  const items = new ShareableItems({
    entries: context.store<TimelineEntry>('entries'),
    timeline,
    privacy,
    people,
    statements,
    receipts: () => context.service('receipts'),
  });
  const shares = new Shares({
    store: shareStore(context),
    items,
    signer,
    statements: new ShareStatements(people, publicUrl),
    record: (recorded) => statements.record(recorded),
    publicUrl,
  });
  return shareApi({ shares, people, jsonBody: context.http.jsonBody })
    .use(sharesPage({ shares, people, publicUrl }))
    .use(publicShareRoutes({ shares, publicUrl, verifierScript, ...(rateLimit && { rateLimit }) }));
}
