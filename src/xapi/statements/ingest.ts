import { randomUUID } from 'node:crypto';
import { BadRequestCode, BadRequestError } from '../../errors';
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
} from '../types';
import { agentsIn } from '../actors';
import type { ActivityStore } from '../activities/activity-store';
import { activitiesIn } from '../activities/definitions';
import type { AgentStore } from '../agents/agent-store';
import type { ReceivedAttachment } from './attachments/statement-request';
import { assertWellFormedText } from './validation/well-formed';
import { isSubStatement, ownFilterView } from './filter-view';
import { statementFingerprint } from './fingerprint';
import type { NewStatementRecord, StatementStorage, UnstampedStatement } from './statement-storage';

/** Who is storing the statements: their authority is written into every statement (Data 2.4.9). */
export interface Submitter {
  credentialKey: string;
  authority: Actor;
  /** The `define` scope: the statements may update canonical Activity definitions. */
  mayDefine: boolean;
}

/**
 * Statements received from another LRS (federation): each may keep its own authority, which the
 * LRS may do only under strong trust (Data 2.4.9); the others get the submitter's.
 */
export interface ReceivedStatements {
  /** Indexes in the batch of the statements that keep the authority they carry. */
  keepAuthority: ReadonlySet<number>;
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
  /** Checks the complete records before anything is written (xAPI Profiles: src/profiles/enforcement.ts). */
  batchCheck?: BatchCheck;
}

/** Runs once the batch is stored (e.g. keeping warn reports); reports its own failures, never throws. */
export type AfterStore = () => Promise<void>;

/**
 * A check of a batch before it is written: throws an HttpError to refuse the whole batch (nothing
 * is stored); may return what to do once the batch is stored. Returns synchronously when it has
 * nothing to check, so a batch pays no extra turn of the event loop for it.
 */
export interface BatchCheck {
  checkBatch(records: readonly NewStatementRecord[], credentialKey: string): AfterStore | undefined | Promise<AfterStore | undefined>;
}

const DEFAULT_VERSION = '1.0.0';

/**
 * Stores statements all-or-nothing (Communication 2.1.1, 2.1.2): validates the whole batch
 * first, then hands it to the storage in one call. A statement whose id is already stored with
 * the same content is accepted without change; with other content nothing of the batch is stored
 * and it gets 409 Conflict.
 */
export class StatementIngest {
  constructor(private readonly deps: IngestDependencies) {}

  async store(input: unknown[], submitter: Submitter, attachments: ReceivedAttachment[] = [], received?: ReceivedStatements): Promise<string[]> {
    const statements = await this.checkBatch(input, attachments);
    const ids = statements.map((statement) => statement.id?.toLowerCase() ?? randomUUID());
    const held = new Set(attachments.map((attachment) => attachment.sha2.toLowerCase()));
    const authorityOf = (statement: Statement, index: number): Actor =>
      received?.keepAuthority.has(index) === true && statement.authority !== undefined ? statement.authority : submitter.authority;
    const records = statements.map((statement, index) => newRecord(statement, ids[index]!, submitter, authorityOf(statement, index), held));
    const checked = this.deps.batchCheck?.checkBatch(records, submitter.credentialKey);
    const afterStore = checked instanceof Promise ? await checked : checked;
    await this.saveAttachmentContent(attachments);
    await this.deps.storage.storeBatch(records);
    await afterStore?.();
    await this.learnFrom(statements, submitter);
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

/** A statement as the storage takes it: its id, authority and version set, not yet stamped with `stored`. */
function newRecord(statement: Statement, id: string, submitter: Submitter, authority: Actor, held: Set<string>): NewStatementRecord {
  const full = completeStatement(statement, id, authority);
  const targetId = full.object.objectType === 'StatementRef' ? full.object.id.toLowerCase() : undefined;
  return {
    id,
    statement: full,
    fingerprint: statementFingerprint(statement),
    views: ownFilterView(full as Statement),
    targetId,
    voidsId: full.verb.id === VOIDED_VERB_ID ? targetId : undefined,
    credentialKey: submitter.credentialKey,
    attachmentHashes: attachmentHashesHeld(full, held),
  };
}

/** Sets what the LRS sets but `stored` (Data 2.4.1, 2.4.9, 2.4.10) and returns contextActivities as arrays (2.4.6.2). */
function completeStatement(statement: Statement, id: string, authority: Actor): UnstampedStatement {
  const { stored: _ignored, ...rest } = statement;
  return {
    ...rest,
    id,
    object: withArrayContext(statement.object),
    context: normalizeContext(statement.context),
    authority,
    version: statement.version ?? DEFAULT_VERSION,
  } as UnstampedStatement;
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

function attachmentHashesHeld(statement: UnstampedStatement, held: Set<string>): string[] {
  const inner = isSubStatement(statement.object) ? (statement.object.attachments ?? []) : [];
  const all: Attachment[] = [...(statement.attachments ?? []), ...inner];
  return [...new Set(all.map((attachment) => attachment.sha2.toLowerCase()).filter((sha2) => held.has(sha2)))];
}
