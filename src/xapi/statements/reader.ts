import { NotFoundError } from '../../errors';
import type { Blob, BlobStore } from '../../storage/blob-store';
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
    private readonly canonicalActivity: (activity: Activity) => Activity = (activity) => activity,
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
      body: this.render(record, request.format, context),
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
      body: { statements: page.records.map((record) => this.render(record, request.format, context)), more },
      attachments: await this.attachmentsOf(request.attachments ? page.records : []),
    };
  }

  private render(record: StatementRecord, format: GetStatementsRequest['format'], context: ReadContext): StoredStatement {
    return renderStatement(record.statement, format, context.languages, this.canonicalActivity);
  }

  private async attachmentsOf(records: StatementRecord[]): Promise<Map<string, Blob>> {
    const hashes = [...new Set(records.flatMap((record) => record.attachmentHashes))];
    const blobs = await Promise.all(hashes.map(async (hash) => [hash, await this.blobs.get(hash)] as const));
    return new Map(blobs.filter((entry): entry is [string, Blob] => entry[1] !== undefined));
  }
}
