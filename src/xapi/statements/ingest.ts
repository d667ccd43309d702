import { randomUUID } from 'node:crypto';
import { BadRequestCode, BadRequestError, ConflictError, ServiceUnavailableError } from '../../errors';
import type { Logger } from '../../logger';
import type { BlobStore } from '../../storage/blob-store';
import {
  VOIDED_VERB_ID,
  type Activity,
  type Actor,
  type Attachment,
  type Context,
  type Statement,
  type StatementObject,
  type StoredStatement,
} from '../types';
import { agentsIn } from '../actors';
import type { ActivityStore } from '../activities/activity-store';
import { activitiesIn } from '../activities/definitions';
import type { AgentStore } from '../agents/agent-store';
import type { ReceivedAttachment } from './attachments/statement-request';
import { applyBatchEffects } from './batch-effects';
import { ABANDONED_BATCH_MS } from './recovery';
import { assertWellFormedText } from './validation/well-formed';
import { isSubStatement, mergeViews, ownFilterView, type FilterView } from './filter-view';
import { statementFingerprint } from './fingerprint';
import type { ExistingStatement, StatementRecord, StatementStorage } from './statement-storage';

/** Who is storing the statements: their authority is written into every statement (Data 2.4.9). */
export interface Submitter {
  credentialKey: string;
  authority: Actor;
  /** The `define` scope: the statements may update canonical Activity definitions. */
  mayDefine: boolean;
}

export interface IngestDependencies {
  storage: StatementStorage;
  blobs: BlobStore;
  activities: ActivityStore;
  agents: AgentStore;
  validateStatement(statement: unknown, path: string): void;
  /** Throws a 400 unless every attachment without fileUrl has a part and every part is used. */
  matchAttachments(statements: Statement[], attachments: ReceivedAttachment[]): void;
  /** Throws a 400 unless every signature attachment signs its statement (Data 2.6). */
  verifySignatures(statements: Statement[], attachments: ReceivedAttachment[]): Promise<void>;
  logger: Logger;
  now?: () => number;
  /** How long to wait for a concurrent request that is storing the same statement. */
  concurrentWaitMs?: number;
}

const DEFAULT_VERSION = '1.0.0';
const COMMIT_MARGIN_MS = 15_000;

/**
 * Stores statements all-or-nothing (Communication 2.1.1, 2.1.2): validates the whole batch
 * first, then writes it through the batch protocol of StatementStorage. A statement whose id is
 * already stored with the same content is accepted without change; with other content the batch
 * is rolled back and gets 409 Conflict.
 */
export class StatementIngest {
  private lastStored = 0;

  constructor(private readonly deps: IngestDependencies) {}

  async store(input: unknown[], submitter: Submitter, attachments: ReceivedAttachment[] = []): Promise<string[]> {
    const statements = await this.checkBatch(input, attachments);
    const ids = statements.map((statement) => statement.id?.toLowerCase() ?? randomUUID());
    await this.saveAttachmentContent(attachments);

    const batchId = randomUUID();
    const startedAt = new Date(this.now());
    await this.deps.storage.beginBatch({ id: batchId, statementIds: ids, startedAt, state: 'pending' });
    let records: StatementRecord[];
    let effectsFollow: boolean;
    try {
      records = await this.buildRecords(statements, ids, submitter, attachments);
      await this.insertAll(batchId, records);
      effectsFollow = await this.hasEffects(records, ids);
      // Recovery rolls back batches older than ABANDONED_BATCH_MS. Conditional updates are not
      // atomic on FerretDB, so never race it: a batch this late is rolled back here instead.
      const late = this.now() - startedAt.getTime() > ABANDONED_BATCH_MS - COMMIT_MARGIN_MS;
      if (late || !(await this.deps.storage.commitBatch(batchId, effectsFollow))) {
        throw new ServiceUnavailableError('The statements took too long to store and were rolled back; retry');
      }
    } catch (error) {
      await this.deps.storage.abortBatch(batchId, ids);
      throw error;
    }
    await Promise.all([effectsFollow ? this.finish(batchId, records) : undefined, this.learnFrom(statements, submitter)]);
    return ids;
  }

  private async checkBatch(input: unknown[], attachments: ReceivedAttachment[]): Promise<Statement[]> {
    const single = input.length === 1;
    input.forEach((statement, index) => {
      const path = single ? 'statement' : `statements[${index}]`;
      this.deps.validateStatement(statement, path);
      assertWellFormedText(statement, path);
    });
    const statements = input as Statement[];
    rejectDuplicateIds(statements);
    this.deps.matchAttachments(statements, attachments);
    await this.deps.verifySignatures(statements, attachments);
    return statements;
  }

  private async saveAttachmentContent(attachments: ReceivedAttachment[]): Promise<void> {
    for (const attachment of attachments) {
      await this.deps.blobs.put(attachment.sha2.toLowerCase(), attachment.contentType, attachment.body);
    }
  }

  private async buildRecords(
    statements: Statement[],
    ids: string[],
    submitter: Submitter,
    attachments: ReceivedAttachment[],
  ): Promise<StatementRecord[]> {
    const stored = this.nextStoredTime();
    const held = new Set(attachments.map((attachment) => attachment.sha2.toLowerCase()));
    const completed = statements.map((statement, index) => completeStatement(statement, ids[index]!, stored, submitter.authority));
    const ownViews = new Map(completed.map((statement) => [statement.id, ownFilterView(statement)]));
    const outsideTargets = await this.outsideTargetViews(completed, ownViews);
    return completed.map((full, index) => {
      const targetId = full.object.objectType === 'StatementRef' ? full.object.id.toLowerCase() : undefined;
      const targetView = targetId === undefined ? undefined : (ownViews.get(targetId) ?? outsideTargets.get(targetId));
      return {
        id: full.id,
        statement: full,
        stored,
        fingerprint: statementFingerprint(statements[index]!),
        views: mergeViews(ownViews.get(full.id)!, targetView),
        targetId,
        voidsId: full.verb.id === VOIDED_VERB_ID ? targetId : undefined,
        voided: false,
        credentialKey: submitter.credentialKey,
        attachmentHashes: attachmentHashesHeld(full, held),
      };
    });
  }

  /** Filter views of statements outside the batch that statements in it target. */
  private async outsideTargetViews(statements: StoredStatement[], inBatch: Map<string, FilterView>): Promise<Map<string, FilterView>> {
    const targetIds = statements.flatMap((s) =>
      s.object.objectType === 'StatementRef' && !inBatch.has(s.object.id.toLowerCase()) ? [s.object.id.toLowerCase()] : [],
    );
    const existing = await this.deps.storage.findExisting(targetIds);
    return new Map([...existing.values()].map((statement) => [statement.id, statement.views]));
  }

  private async insertAll(batchId: string, records: StatementRecord[]): Promise<void> {
    let pending = records;
    const deadline = this.now() + (this.deps.concurrentWaitMs ?? 5000);
    while (pending.length > 0) {
      const { duplicateIds } = await this.deps.storage.insert(batchId, pending);
      if (duplicateIds.length === 0) return;
      const retry = await this.resolveDuplicates(records, duplicateIds, deadline);
      pending = records.filter((record) => retry.includes(record.id));
    }
  }

  /**
   * A duplicate id with other content is a conflict. With the same content it is already stored,
   * or being stored by a concurrent request: wait for that request's outcome, and insert again
   * if it rolled back. Returns the ids to insert again.
   */
  private async resolveDuplicates(records: StatementRecord[], duplicateIds: string[], deadline: number): Promise<string[]> {
    const existing = await this.deps.storage.findExisting(duplicateIds);
    const retry: string[] = [];
    for (const id of duplicateIds) {
      const stored = existing.get(id);
      if (stored === undefined) {
        retry.push(id);
        continue;
      }
      const record = records.find((candidate) => candidate.id === id)!;
      if (stored.fingerprint !== record.fingerprint) {
        throw new ConflictError('STATEMENT_CONFLICT', `Statement ${id} already exists with different content`);
      }
      if (!(await this.waitForOtherBatch(stored, deadline))) retry.push(id);
    }
    return retry;
  }

  /** True when the other batch holding this statement committed; false when it rolled back. */
  private async waitForOtherBatch(stored: ExistingStatement, deadline: number): Promise<boolean> {
    for (;;) {
      const state = await this.deps.storage.batchState(stored.batchId);
      if (state === undefined || state === 'committed') {
        return (await this.deps.storage.findExisting([stored.id])).has(stored.id);
      }
      if (this.now() > deadline) {
        throw new ConflictError('STATEMENT_IN_FLIGHT', `Statement ${stored.id} is being stored by another request; retry`);
      }
      await sleep(50);
    }
  }

  private async finish(batchId: string, records: StatementRecord[]): Promise<void> {
    try {
      await applyBatchEffects(this.deps.storage, records);
      await this.deps.storage.finishBatch(batchId);
    } catch (error) {
      // Committed: the statements are stored. Recovery re-applies the effects later.
      this.deps.logger.error({ err: error, batchId }, 'applying batch effects failed; recovery will retry');
    }
  }

  /** Whether committing this batch changes anything beyond its own statements (batch-effects.ts). */
  private async hasEffects(records: StatementRecord[], ids: string[]): Promise<boolean> {
    if (records.some((record) => record.targetId !== undefined)) return true;
    return (await this.deps.storage.waitingReferrers(ids)).size > 0;
  }

  /**
   * Canonical Activity definitions and the names Agents go by, for the Activities and Agents
   * resources. Not part of the statements: a failure here is logged, never reported to the client.
   */
  private async learnFrom(statements: Statement[], submitter: Submitter): Promise<void> {
    try {
      if (submitter.mayDefine) await this.deps.activities.mergeDefinitions(statements.flatMap(activitiesIn));
      await this.deps.agents.recordSeen(statements.flatMap(agentsIn));
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'updating activity definitions or agents failed');
    }
  }

  /** Strictly increasing `stored` times in this process, so successive requests order by arrival. */
  private nextStoredTime(): Date {
    this.lastStored = Math.max(this.now(), this.lastStored + 1);
    return new Date(this.lastStored);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

function rejectDuplicateIds(statements: Statement[]): void {
  const seen = new Set<string>();
  for (const statement of statements) {
    const id = statement.id?.toLowerCase();
    if (id === undefined) continue;
    if (seen.has(id)) {
      throw new BadRequestError(BadRequestCode.InvalidStatement, `The batch contains statement id ${id} more than once`);
    }
    seen.add(id);
  }
}

/** Sets what the LRS sets (Data 2.4.1, 2.4.7–2.4.10) and returns contextActivities as arrays (2.4.6.2). */
function completeStatement(statement: Statement, id: string, stored: Date, authority: Actor): StoredStatement {
  const storedText = stored.toISOString();
  return {
    ...statement,
    id,
    object: withArrayContext(statement.object),
    context: normalizeContext(statement.context),
    timestamp: statement.timestamp ?? storedText,
    stored: storedText,
    authority,
    version: statement.version ?? DEFAULT_VERSION,
  } as StoredStatement;
}

function withArrayContext(object: StatementObject): StatementObject {
  return isSubStatement(object) ? { ...object, context: normalizeContext(object.context) } : object;
}

function normalizeContext(context: Context | undefined): Context | undefined {
  if (context?.contextActivities === undefined) return context;
  const activities = Object.fromEntries(
    Object.entries(context.contextActivities).map(([kind, list]) => [kind, (Array.isArray(list) ? list : [list]) as Activity[]]),
  );
  return { ...context, contextActivities: activities };
}

function attachmentHashesHeld(statement: StoredStatement, held: Set<string>): string[] {
  const inner = isSubStatement(statement.object) ? (statement.object.attachments ?? []) : [];
  const all: Attachment[] = [...(statement.attachments ?? []), ...inner];
  return [...new Set(all.map((attachment) => attachment.sha2.toLowerCase()).filter((sha2) => held.has(sha2)))];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
