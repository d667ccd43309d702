import type { StatementReceipts } from '../../../plugin-api';
import { anchoringOf } from '../anchoring';
import { receiptPath } from './links';

/** An item's anchoring as the timeline shows it: anchored (with its owner's receipt link), pending, or not anchored. */
export type ItemAnchoring = { state: 'anchored'; receiptUrl: string } | { state: 'pending' } | { state: 'not-anchored' };

/** The anchoring of each item of a timeline page, an anchored one linked to the receipt route its owner can open. */
export async function itemAnchoringOf(receipts: StatementReceipts | undefined, statementIds: string[]): Promise<Map<string, ItemAnchoring>> {
  const anchoring = await anchoringOf(receipts, statementIds);
  return new Map(
    [...anchoring].map(([id, { state }]): [string, ItemAnchoring] => [id, state === 'anchored' ? { state, receiptUrl: receiptPath(id) } : { state }]),
  );
}
