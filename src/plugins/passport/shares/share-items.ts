import { BadRequestError, type Collection, type PeopleForPlugins, type StatementReceipts, type StatementReader } from '../../../plugin-api';
import { visibleTo, type PrivacySettings, type PrivacyStore } from '../privacy';
import type { ShareItem } from '../credentials';
import { anchoringWithReceipts, type StatementAnchoring } from '../anchoring';
import { achievementOf, ifiDigest, type TimelineEntry } from '../timeline-entries';
import type { TimelineIndex } from '../timeline-index';
import { sharedStatement } from './redaction';
import { SHARE_LIMITS, ShareErrorCode } from './share-request';

/** The most `find` returns, and the most values of an `in`. */
const MAX_FIND = 1000;

export interface ShareableItemsOptions {
  entries: Collection<TimelineEntry>;
  timeline: TimelineIndex;
  privacy: PrivacyStore;
  people: PeopleForPlugins;
  statements: StatementReader;
  /** The anchoring plugin's receipts, when it is loaded and on. */
  receipts: () => StatementReceipts | undefined;
}

/**
 * A person's items that may go into a share: their own, visible (not hidden by them), not voided,
 * newest first. What the passport records itself (shares, hiding, exports) is no timeline entry
 * (timeline-entries.ts), so it is never shared.
 */
export class ShareableItems {
  constructor(private readonly options: ShareableItemsOptions) {}

  /** The digests of the person's linked identities now. */
  private async ifisOf(personId: string): Promise<string[]> {
    const identities = await this.options.people.identitiesOf(personId);
    return [...new Set(identities.map((identity) => ifiDigest(identity)).filter((digest) => digest !== undefined))];
  }

  /**
   * The items of a new share, each with its statement: every visible item ("all", 400 beyond
   * SHARE_LIMITS.items or when there is none), or the listed ones (400 naming the first that is not shareable).
   */
  async forNewShare(personId: string, items: string[] | 'all'): Promise<ShareItem[]> {
    const ifis = await this.ifisOf(personId);
    const settings = await this.options.privacy.of(personId);
    if (items === 'all') {
      const shared = await this.items(await this.everyVisibleEntry(ifis, settings), ifis);
      if (shared.length === 0) throw new BadRequestError(ShareErrorCode.NothingToShare, 'There is nothing to share: your passport has no visible items');
      return shared;
    }
    const visible = await this.visibleEntriesOf(items, ifis, settings);
    const shared = await this.items(visible, ifis);
    const found = new Set(shared.map((item) => item.statement.id));
    const missing = items.find((id) => !found.has(id));
    if (missing !== undefined) {
      throw new BadRequestError(ShareErrorCode.ItemUnavailable, `${missing} is not an item of your passport you can share (unknown, someone else's, hidden by you, or voided)`);
    }
    return shared;
  }

  /** Of the statement ids a share was made with, the items still shareable now (the owner may have hidden some since, or unlinked an identity). */
  async stillShareable(personId: string, statementIds: string[]): Promise<{ ids: string[]; load(): Promise<ShareItem[]> }> {
    const ifis = await this.ifisOf(personId);
    const visible = await this.visibleEntriesOf(statementIds, ifis, await this.options.privacy.of(personId));
    return { ids: visible.map((entry) => entry.statementId), load: () => this.items(visible, ifis) };
  }

  private async everyVisibleEntry(ifis: string[], settings: PrivacySettings): Promise<TimelineEntry[]> {
    const visible: TimelineEntry[] = [];
    let after: string | undefined;
    do {
      const page = await this.options.timeline.page(ifis, {}, after, MAX_FIND);
      visible.push(...visibleTo(page.entries, settings));
      if (visible.length > SHARE_LIMITS.items) {
        throw new BadRequestError(ShareErrorCode.TooLarge, `Your passport has more than ${SHARE_LIMITS.items} visible items: share a selection instead`);
      }
      after = page.next;
    } while (after !== undefined);
    return visible;
  }

  /** The entries of these statements about the person, visible, each statement once, newest first. */
  private async visibleEntriesOf(statementIds: string[], ifis: string[], settings: PrivacySettings): Promise<TimelineEntry[]> {
    if (ifis.length === 0) return [];
    // A statement has at most one entry per IFI: chunks of this many ids never find more than MAX_FIND entries.
    const chunk = Math.max(1, Math.floor(MAX_FIND / ifis.length));
    const byStatement = new Map<string, TimelineEntry>();
    for (let start = 0; start < statementIds.length; start += chunk) {
      const ids = statementIds.slice(start, start + chunk);
      const found = await this.options.entries.find({ where: { statementId: { in: ids }, ifi: { in: ifis } }, limit: MAX_FIND });
      for (const { value } of found) if (!byStatement.has(value.statementId)) byStatement.set(value.statementId, value);
    }
    return visibleTo([...byStatement.values()], settings).sort((a, b) => (a.position < b.position ? 1 : -1));
  }

  /** The entries' statements (voided ones left out: the index may not have caught up yet), with everyone but the owner left out (redaction.ts), and their receipts. */
  private async items(entries: TimelineEntry[], ifis: string[]): Promise<ShareItem[]> {
    const own = new Set(ifis);
    const records = await Promise.all(entries.map((entry) => this.options.statements.get(entry.statementId)));
    const anchoring = await anchoringWithReceipts(this.options.receipts(), entries.map((entry) => entry.statementId));
    const items: ShareItem[] = [];
    entries.forEach((entry, index) => {
      const record = records[index];
      if (record === undefined || record.voided) return;
      items.push({
        statement: sharedStatement(record.statement, own),
        stored: entry.stored,
        ...receiptOf(anchoring.get(entry.statementId)),
        kind: entry.kind,
        ...(entry.kind === 'achievement' && { achievement: achievementOf(entry) }),
      });
    });
    return items;
  }
}

/** What a shared item carries of its anchoring: the receipt and its URL, when anchored. */
function receiptOf(anchoring: (StatementAnchoring & { receipt?: object }) | undefined): { receipt: object; receiptUrl: string } | undefined {
  return anchoring?.state === 'anchored' && anchoring.receipt !== undefined ? { receipt: anchoring.receipt, receiptUrl: anchoring.receiptUrl } : undefined;
}
