import type { StatementReceipts } from '../../../plugin-api';
import { receiptPath } from './links';

/** An item's anchoring as the timeline shows it: anchored (with its owner's receipt link), pending, or not anchored. */
export type ItemAnchoring = { state: 'anchored'; receiptUrl: string } | { state: 'pending' } | { state: 'not-anchored' };

const NOT_ANCHORED: ItemAnchoring = { state: 'not-anchored' };

/**
 * The anchoring of each statement, in one call to the receipts service (offered by the anchoring
 * plugin while anchoring is on): without it, or for ids it does not know, "not anchored".
 */
export async function anchoringOf(receipts: StatementReceipts | undefined, statementIds: string[]): Promise<Map<string, ItemAnchoring>> {
  const states = receipts === undefined || statementIds.length === 0 ? new Map() : await receipts.statesOf(statementIds);
  return new Map(
    statementIds.map((id) => {
      const state = states.get(id) ?? states.get(id.toLowerCase());
      if (state?.state === 'anchored') return [id, { state: 'anchored', receiptUrl: receiptPath(id) }];
      return [id, state?.state === 'pending' ? { state: 'pending' } : NOT_ANCHORED];
    }),
  );
}
