import type { Collection, PluginStoreDeclaration } from '../../../plugin-api';
import type { ProvenanceEntry } from '../model';

/** Store `provenance`: one entry per federated statement (id: the statement id), written by the Receiver only. */
export const PROVENANCE_STORES: Record<string, PluginStoreDeclaration> = {
  provenance: { indexes: [{ name: 'by_statement', fields: ['statementId'], unique: true }] },
};

/** Where each statement received from another LRS came from (issue 15: provenance kept outside the statement). */
export class ProvenanceStore {
  constructor(private readonly store: Collection<ProvenanceEntry>) {}

  async get(statementId: string): Promise<ProvenanceEntry | undefined> {
    return (await this.store.get(statementId.toLowerCase()))?.value;
  }

  /** The entries of those ids that have one, by statement id. */
  async getMany(statementIds: string[]): Promise<Map<string, ProvenanceEntry>> {
    const ids = [...new Set(statementIds.map((id) => id.toLowerCase()))];
    const found = new Map<string, ProvenanceEntry>();
    for (let start = 0; start < ids.length; start += FIND_LIMIT) {
      for (const document of await this.store.find({ where: { statementId: { in: ids.slice(start, start + FIND_LIMIT) } } })) found.set(document.id, document.value);
    }
    return found;
  }

  /**
   * Keeps the entries of statements that have none yet: the first arrival of a statement is the one
   * whose authority decision is stored with it, so a later delivery (from the same peer or another)
   * does not rewrite its provenance.
   */
  async addNew(entries: ProvenanceEntry[]): Promise<void> {
    const existing = await this.getMany(entries.map((entry) => entry.statementId));
    const fresh = entries.filter((entry) => !existing.has(entry.statementId));
    if (fresh.length > 0) await this.store.putMany(fresh.map((entry) => ({ id: entry.statementId, value: entry })));
  }

  async recordReceiptCheck(statementId: string, check: NonNullable<ProvenanceEntry['receiptCheck']>, receipt?: object): Promise<ProvenanceEntry | undefined> {
    const document = await this.store.get(statementId);
    if (document === undefined) return undefined;
    const updated: ProvenanceEntry = { ...document.value, receiptCheck: check, ...(receipt !== undefined && { receipt }) };
    return (await this.store.update(statementId, updated, document.revision)) ? updated : this.get(statementId);
  }
}

/** The most ids one find takes (`in` holds at most 1000 values). */
const FIND_LIMIT = 1000;
