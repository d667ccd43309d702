import type { PeopleForPlugins, SignedIn, StatementReader, StatementReceipts, StoredStatement } from '../../../plugin-api';
import type { AchievementItem } from '../credentials';
import { isHidden, type PrivacySettings } from '../privacy';
import { anchoringWithReceipts, type StatementAnchoring } from '../anchoring';
import { achievementOf, type TimelineEntry } from '../timeline-entries';
import type { TimelineFilter, TimelineIndex } from '../timeline-index';

/** The archive's `format`: readers check it before anything else. */
export const ARCHIVE_FORMAT = 'keiko-passport-export/1';

/** Timeline entries read, and statements fetched, at a time: what the export holds in memory at most. */
const PAGE = 200;

/** What an export reads: the person's timeline and records, and the services that add receipts, shares and credentials. */
export interface ArchiveSources {
  timeline: TimelineIndex;
  statements: StatementReader;
  /** The anchoring plugin's receipts, undefined while anchoring is off (then nothing is anchored). */
  receipts: StatementReceipts | undefined;
  /** An Open Badges 3.0 AchievementCredential signed by the LRS. */
  achievementCredential(item: AchievementItem): Promise<object>;
}

/** The parts of the archive read before the first byte is sent, so that failing to read them is an ordinary error response. */
export interface ArchiveHead {
  lrs: string;
  person: SignedIn['person'] & { identities: Array<Awaited<ReturnType<PeopleForPlugins['identitiesOf']>>[number]> };
  privacy: PrivacySettings;
  shares: object[];
}

/** One stored statement about the person, as the archive holds it. */
interface ArchivedStatement {
  statement: StoredStatement;
  hidden?: true;
  anchoring: ArchivedAnchoring;
}

/** The anchoring state of a statement, with its receipt when anchored. */
type ArchivedAnchoring = StatementAnchoring & { receipt?: object };

/** A statement (not voided) of each timeline entry, with the entry, page by page. */
async function* statementsOf(sources: ArchiveSources, ifis: string[], filter: TimelineFilter): AsyncGenerator<Array<{ entry: TimelineEntry; statement: StoredStatement }>> {
  let after: string | undefined;
  do {
    const page = await sources.timeline.page(ifis, filter, after, PAGE);
    const records = await Promise.all(page.entries.map((entry) => sources.statements.get(entry.statementId)));
    // A statement voided since the index was read is left out too.
    yield page.entries.flatMap((entry, index) => {
      const record = records[index];
      return record === undefined || record.voided ? [] : [{ entry, statement: record.statement }];
    });
    after = page.next;
  } while (after !== undefined);
}

/** Every statement about the person, page by page, as the archive holds them. */
async function* archivedStatements(sources: ArchiveSources, ifis: string[], privacy: PrivacySettings): AsyncGenerator<ArchivedStatement[]> {
  for await (const page of statementsOf(sources, ifis, {})) {
    const anchoring = await anchoringWithReceipts(sources.receipts, page.map(({ statement }) => statement.id));
    yield page.map(({ entry, statement }) => ({
      statement,
      ...(isHidden(entry, privacy) && { hidden: true as const }),
      anchoring: anchoring.get(statement.id)!,
    }));
  }
}

/** The person's achievements as signed credentials, each with the statement it stands for. */
async function* achievementCredentials(sources: ArchiveSources, ifis: string[], privacy: PrivacySettings): AsyncGenerator<Array<{ statementId: string; hidden?: true; credential: object }>> {
  for await (const page of statementsOf(sources, ifis, { kind: 'achievement' })) {
    const anchoring = await anchoringWithReceipts(sources.receipts, page.map(({ statement }) => statement.id));
    const credentials = [];
    for (const { entry, statement } of page) {
      const { receipt, receiptUrl } = anchoring.get(statement.id) as { receipt?: object; receiptUrl?: string };
      const item: AchievementItem = { statement, stored: entry.stored, kind: entry.kind, ...(receipt && { receipt, receiptUrl }), achievement: achievementOf(entry) };
      const credential = await sources.achievementCredential(item);
      credentials.push({ statementId: statement.id, ...(isHidden(entry, privacy) && { hidden: true as const }), credential });
    }
    yield credentials;
  }
}

/**
 * The whole archive as JSON text, in pieces of at most a page of statements: the head, every
 * statement about the person (hidden ones marked), their achievements as credentials, and last
 * `"complete": true` — an archive without it was cut short.
 */
export async function* archiveJson(sources: ArchiveSources, head: ArchiveHead, ifis: string[], exportedAt: Date): AsyncGenerator<string> {
  yield `{"format":${JSON.stringify(ARCHIVE_FORMAT)},"exportedAt":${JSON.stringify(exportedAt.toISOString())},`;
  yield `"lrs":${JSON.stringify(head.lrs)},"person":${JSON.stringify(head.person)},"privacy":${JSON.stringify(head.privacy)},"shares":${JSON.stringify(head.shares)},\n"statements":[`;
  const count = yield* arrayElementsJson(archivedStatements(sources, ifis, head.privacy));
  yield `],\n"statementCount":${count},\n"achievements":[`;
  yield* arrayElementsJson(achievementCredentials(sources, ifis, head.privacy));
  yield '],\n"complete":true}\n';
}

/** Only the achievements, as a JSON array of Open Badges 3.0 credentials (for a wallet or a backpack). */
export async function* badgesJson(sources: ArchiveSources, ifis: string[], privacy: PrivacySettings): AsyncGenerator<string> {
  yield '[';
  yield* arrayElementsJson(credentialsOnly(achievementCredentials(sources, ifis, privacy)));
  yield ']\n';
}

async function* credentialsOnly(pages: AsyncIterable<Array<{ credential: object }>>): AsyncGenerator<object[]> {
  for await (const page of pages) yield page.map(({ credential }) => credential);
}

/** Pages of array elements as JSON text, a page a piece, with the commas between them; returns how many elements there were. */
async function* arrayElementsJson(pages: AsyncIterable<object[]>): AsyncGenerator<string, number> {
  let count = 0;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield `${count === 0 ? '' : ','}\n${page.map((element) => JSON.stringify(element)).join(',\n')}`;
    count += page.length;
  }
  return count;
}
