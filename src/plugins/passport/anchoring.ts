import type { AnchoringState, StatementReceipts } from '../../plugin-api';

/** A statement's anchoring: the receipts service's state, or not anchored (anchoring off, or a statement it does not know). */
export type StatementAnchoring = AnchoringState | { state: 'not-anchored' };

const NOT_ANCHORED: StatementAnchoring = { state: 'not-anchored' };

/**
 * The anchoring of each statement (keyed by the ids given), in one call to the receipts service,
 * offered by the anchoring plugin while anchoring is on.
 */
export async function anchoringOf(receipts: StatementReceipts | undefined, statementIds: string[]): Promise<Map<string, StatementAnchoring>> {
  const states = receipts === undefined || statementIds.length === 0 ? new Map<string, AnchoringState>() : await receipts.statesOf(statementIds);
  return new Map(statementIds.map((id) => [id, states.get(id) ?? states.get(id.toLowerCase()) ?? NOT_ANCHORED]));
}

/** The anchoring of each statement, with the signed receipt of each anchored one (what leaves the LRS with the statement). */
export async function anchoringWithReceipts(
  receipts: StatementReceipts | undefined,
  statementIds: string[],
): Promise<Map<string, StatementAnchoring & { receipt?: object }>> {
  const anchoring = await anchoringOf(receipts, statementIds);
  const withReceipts = new Map<string, StatementAnchoring & { receipt?: object }>();
  for (const [id, state] of anchoring) {
    const receipt = state.state === 'anchored' ? await receipts!.receiptOf(id) : undefined;
    withReceipts.set(id, receipt === undefined ? state : { ...state, receipt });
  }
  return withReceipts;
}
