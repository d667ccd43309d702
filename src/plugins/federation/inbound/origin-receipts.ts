import type { ReceiptVerifier, StatementReader } from '../../../plugin-api';
import type { Peer, ProvenanceEntry } from '../model';
import type { IncomingStatement } from './receiver';
import type { ProvenanceStore } from './provenance-store';

export type ReceiptCheck = NonNullable<ProvenanceEntry['receiptCheck']>;

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
    return Promise.all(
      entries.map(async (entry, index) => {
        if (entry.receipt !== undefined) return { ...entry, receiptCheck: await this.check(entry.receipt, originStatement(items[index]!.statement, entry)) };
        return peer.kind === 'keiko' ? { ...entry, receiptCheck: this.pending('the origin had not anchored it when it was delivered') } : entry;
      }),
    );
  }

  /** A pending check made again (at most once per retryAfterMs): the receipt asked of the peer, then verified. */
  async checkPending(peer: Peer | undefined, entry: ProvenanceEntry, store: ProvenanceStore): Promise<ProvenanceEntry> {
    const last = entry.receiptCheck;
    if (last?.state !== 'pending' || this.now().getTime() - Date.parse(last.checkedAt) < this.options.retryAfterMs) return entry;
    if (peer === undefined) return (await store.recordReceiptCheck(entry.statementId, this.pending(`the peer ${entry.peer} is no longer registered`))) ?? entry;
    const fetched = entry.receipt !== undefined ? { receipt: entry.receipt } : await this.options.fetchReceipt(peer, entry);
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
