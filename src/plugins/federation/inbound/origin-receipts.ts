import type { ReceiptVerifier, StatementReader } from '../../../plugin-api';
import type { Peer, ProvenanceEntry } from '../model';
import type { IncomingStatement } from './receiver';
import type { ProvenanceStore } from './provenance-store';

export type ReceiptCheck = NonNullable<ProvenanceEntry['receiptCheck']>;

/**
 * Receipts checked while a delivery waits for its answer: a check costs about 10 ms of CPU (SNIP-12
 * hashing and ECDSA, more on a loaded machine), so the others of a large delivery are checked when
 * their provenance is read rather than holding the delivery past its peer's timeout.
 */
export const RECEIPTS_CHECKED_ON_ARRIVAL = 20;

/** How a receipt not delivered yet is asked for at the peer: GET with our credentials there. */
export type ReceiptFetch = (peer: Peer, entry: ProvenanceEntry) => Promise<{ receipt: object } | { missing: string }>;

export interface OriginReceiptsOptions {
  /** The anchoring plugin's verifier, looked up when needed (undefined while that plugin is off). */
  verifier: () => ReceiptVerifier | undefined;
  statements: Pick<StatementReader, 'get'>;
  fetchReceipt: ReceiptFetch;
  /** A pending check is retried at most this often (a provenance read may ask again). */
  retryAfterMs: number;
  now?: () => Date;
}

/**
 * The origin LRS's anchoring receipt of a federated statement, verified at the destination (issue
 * 15): one delivered with the statement is checked on arrival; for a Keiko peer that had none yet
 * (the statement came before its batch was anchored) the check stays pending and is made when the
 * provenance is read, by asking the peer for it.
 */
export class OriginReceipts {
  constructor(private readonly options: OriginReceiptsOptions) {}

  /** The entries with their receiptCheck: verified or invalid when a receipt came, pending when a Keiko peer may have one later. */
  async checkOnArrival(peer: Peer, entries: ProvenanceEntry[], items: IncomingStatement[]): Promise<ProvenanceEntry[]> {
    let checked = 0;
    const checkedEntries: ProvenanceEntry[] = [];
    for (const [index, entry] of entries.entries()) {
      if (entry.receipt === undefined) {
        checkedEntries.push(peer.kind === 'keiko' ? { ...entry, receiptCheck: this.pending('the origin had not anchored it when it was delivered') } : entry);
      } else if (checked < RECEIPTS_CHECKED_ON_ARRIVAL) {
        checked += 1;
        checkedEntries.push({ ...entry, receiptCheck: await this.check(entry.receipt, originStatement(items[index]!.statement, entry)) });
      } else {
        checkedEntries.push({ ...entry, receiptCheck: this.pending(`delivered with more receipts than are checked on arrival (${RECEIPTS_CHECKED_ON_ARRIVAL}): checked when its provenance is read`) });
      }
    }
    return checkedEntries;
  }

  /**
   * A pending check made: a receipt already held is verified; one not held yet is asked of the
   * peer (at most once per retryAfterMs), then verified.
   */
  async checkPending(peer: Peer | undefined, entry: ProvenanceEntry, store: ProvenanceStore): Promise<ProvenanceEntry> {
    const last = entry.receiptCheck;
    if (last?.state !== 'pending') return entry;
    if (entry.receipt === undefined && this.now().getTime() - Date.parse(last.checkedAt) < this.options.retryAfterMs) return entry;
    const fetched =
      entry.receipt !== undefined ? { receipt: entry.receipt } : peer === undefined ? { missing: `the peer ${entry.peer} is no longer registered` } : await this.options.fetchReceipt(peer, entry);
    if ('missing' in fetched) return (await store.recordReceiptCheck(entry.statementId, this.pending(fetched.missing))) ?? entry;
    const stored = await this.options.statements.get(entry.statementId);
    if (stored === undefined) return entry;
    return (await store.recordReceiptCheck(entry.statementId, await this.check(fetched.receipt, originStatement(stored.statement, entry)), fetched.receipt)) ?? entry;
  }

  private async check(receipt: object, statement: object): Promise<ReceiptCheck> {
    const verifier = this.options.verifier();
    if (verifier === undefined) return this.pending('this LRS has no receipt verifier (the anchoring plugin is off)');
    const failed = (await verifier.verify(receipt, statement)).filter((check) => check.status === 'fail');
    const checkedAt = this.now().toISOString();
    if (failed.length === 0) return { state: 'verified', checkedAt };
    return { state: 'invalid', checkedAt, reason: failed.map((check) => `${check.name}: ${check.detail}`).join('; ') };
  }

  private pending(reason: string): ReceiptCheck {
    return { state: 'pending', checkedAt: this.now().toISOString(), reason };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/**
 * The statement as the origin stored it, which its receipt's digest covers: as received here but
 * with the origin's `stored` and authority (the content, id, version and attachments travel unchanged).
 */
function originStatement(statement: object, entry: ProvenanceEntry): object {
  return { ...statement, id: entry.statementId, stored: entry.originStored, ...(entry.originAuthority !== undefined && { authority: entry.originAuthority }) };
}
