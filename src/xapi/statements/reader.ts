import { NotFoundError } from '../../errors';
import type { Blob, BlobStore } from '../../storage/blob-store';
import type { ActivityStore } from '../activities/activity-store';
import { activitiesIn } from '../activities/definitions';
import type { Activity, StoredStatement } from '../types';
import { renderStatement, type LanguagePreference } from './format';
import { encodeCursor, type GetStatementsRequest } from './get-request';
import type { StatementRecord, StatementStorage } from './statement-storage';

export interface ReadContext {
  /** Set for a statements/read/mine credential: only its own statements are visible. */
  onlyCredentialKey?: string;
  languages: LanguagePreference[];
}

export interface StatementsResponse {
  /** A single statement, or a StatementResult (Data 2.5). */
  body: StoredStatement | { statements: StoredStatement[]; more: string };
  /** For a single statement: its `stored` time (Last-Modified, 2.1.3.s2.b8). */
  lastModified?: Date;
  /** Attachment content, by SHA-2, when the request asked for attachments. */
  attachments: Map<string, Blob>;
}

/** Answers GET statements: single statements by id or voidedStatementId, and paged queries. */
export class StatementReader {
  constructor(
    private readonly storage: StatementStorage,
    private readonly blobs: BlobStore,
    private readonly activities: ActivityStore,
  ) {}

  async read(request: GetStatementsRequest, context: ReadContext, moreBase: string): Promise<StatementsResponse> {
    return request.kind === 'single' ? this.readOne(request, context) : this.readPage(request, context, moreBase);
  }

  private async readOne(
    request: Extract<GetStatementsRequest, { kind: 'single' }>,
    context: ReadContext,
  ): Promise<StatementsResponse> {
    const record = await this.storage.getById(request.id);
    // 2.1.4.s1.b1: a voided statement only by voidedStatementId, any other only by statementId.
    const visible =
      record !== undefined &&
      record.voided === request.voided &&
      (context.onlyCredentialKey === undefined || record.credentialKey === context.onlyCredentialKey);
    if (!visible) {
      const parameter = request.voided ? 'voidedStatementId' : 'statementId';
      throw new NotFoundError(`No ${request.voided ? 'voided ' : ''}statement found for ${parameter}=${request.id}`);
    }
    return {
      body: (await this.render([record], request.format, context))[0]!,
      lastModified: record.stored,
      attachments: await this.attachmentsOf(request.attachments ? [record] : []),
    };
  }

  private async readPage(
    request: Extract<GetStatementsRequest, { kind: 'list' }>,
    context: ReadContext,
    moreBase: string,
  ): Promise<StatementsResponse> {
    const page = await this.storage.query({
      ...request.filter,
      after: request.after,
      credentialKey: context.onlyCredentialKey,
    });
    const more =
      page.next === undefined ? '' : `${moreBase}?more=${encodeCursor(request.filter, page.next, request.format, request.attachments)}`;
    return {
      body: { statements: await this.render(page.records, request.format, context), more },
      attachments: await this.attachmentsOf(request.attachments ? page.records : []),
    };
  }

  /** `canonical` substitutes the LRS's canonical Activity definitions (Communication 2.1.3, format). */
  private async render(records: StatementRecord[], format: GetStatementsRequest['format'], context: ReadContext): Promise<StoredStatement[]> {
    const canonical =
      format === 'canonical'
        ? await this.activities.getMany(records.flatMap((record) => activitiesIn(record.statement).map((a) => a.id)))
        : new Map<string, Activity>();
    const canonicalActivity = (activity: Activity) => {
      const known = canonical.get(activity.id);
      return known === undefined ? activity : { ...activity, definition: known.definition };
    };
    return records.map((record) => renderStatement(record.statement, format, context.languages, canonicalActivity));
  }

  private async attachmentsOf(records: StatementRecord[]): Promise<Map<string, Blob>> {
    const hashes = [...new Set(records.flatMap((record) => record.attachmentHashes))];
    const blobs = await Promise.all(hashes.map(async (hash) => [hash, await this.blobs.get(hash)] as const));
    return new Map(blobs.filter((entry): entry is [string, Blob] => entry[1] !== undefined));
  }
}
