import { BadRequestError } from '../errors';
import type { Logger } from '../logger';
import type { AfterStore, BatchCheck } from '../xapi/statements/ingest';
import type { NewStatementRecord, StatementStorage } from '../xapi/statements/statement-storage';
import { checkStatement, type CompiledProfile } from './engine';
import { ProfileErrorCode } from './errors';
import { referencedStatements } from './references';
import type { ActiveProfile, ProfileRegistry, RegistrySnapshot } from './registry';
import { describeNonConformance, nonConformance, type ProfileReport, type StatementReport, type StatementReportStore } from './statement-reports';

export interface ProfileEnforcementOptions {
  registry: ProfileRegistry;
  reports: StatementReportStore;
  /** Where StatementRef templates find the statements a batch refers to that it does not hold. */
  statements: Pick<StatementStorage, 'getById'>;
  logger: Logger;
  now?: () => number;
}

/**
 * xAPI Profiles on ingest: the check StatementIngest runs on a batch before writing it. Each
 * statement is checked against every active profile whose mode for the submitting credential is
 * not `off`, in the version it claims (a category activity naming a stored version) or else the
 * latest. A statement that is a subject of a profile and matches none of its templates refuses the
 * whole batch in `reject` mode (400 PROFILE_VIOLATION, nothing stored); in `warn` mode it is stored
 * unchanged and a report is kept.
 *
 * Warn reports are computed before the write and stored right after it (never inside it, and only
 * once the batch is stored): an LRS that dies between the two has the statements without their
 * reports. The reverse (a report of a statement that was never stored) cannot happen.
 *
 * With no profile enforced for the credential (and the registry snapshot fresh) the check returns
 * synchronously without doing anything.
 */
export class ProfileEnforcement implements BatchCheck {
  private readonly now: () => number;

  constructor(private readonly options: ProfileEnforcementOptions) {
    this.now = options.now ?? Date.now;
  }

  checkBatch(records: readonly NewStatementRecord[], credentialKey: string): AfterStore | undefined | Promise<AfterStore | undefined> {
    const snapshot = this.options.registry.current();
    if (snapshot instanceof Promise) return snapshot.then((fresh) => this.checkWith(fresh, records, credentialKey));
    return this.checkWith(snapshot, records, credentialKey);
  }

  /** Synchronous (undefined) when no profile is enforced for the credential. */
  private checkWith(snapshot: RegistrySnapshot, records: readonly NewStatementRecord[], credentialKey: string): Promise<AfterStore | undefined> | undefined {
    const enforced = snapshot.enforcedFor(credentialKey);
    return enforced.length === 0 ? undefined : this.check(enforced, records);
  }

  private async check(enforced: ReturnType<RegistrySnapshot['enforcedFor']>, records: readonly NewStatementRecord[]): Promise<AfterStore | undefined> {
    const plans = records.map((record) => enforced.map(({ profile, mode }) => ({ profile: versionClaimed(profile, record.statement), mode })));
    const fetched = await this.referencedElsewhere(records, plans);
    const earlier = new Map<string, object>();
    const reports: StatementReport[] = [];
    const recordedAt = new Date(this.now()).toISOString();
    records.forEach((record, index) => {
      const referenced = (id: string) => earlier.get(id.toLowerCase()) ?? fetched.get(id.toLowerCase());
      const warned: ProfileReport[] = [];
      for (const { profile, mode } of plans[index]!) {
        const report = nonConformance(profile, checkStatement(profile, record.statement, referenced));
        if (report === undefined) continue;
        if (mode === 'reject') throw violation(report, records.length === 1 ? 'The statement' : `statements[${index}]`);
        warned.push(report);
      }
      if (warned.length > 0) reports.push({ statementId: record.id, recordedAt, profiles: warned });
      earlier.set(record.id, record.statement);
    });
    return reports.length === 0 ? undefined : () => this.keep(reports);
  }

  /** The stored statements the batch's StatementRef templates need (statements of the batch itself are taken from it). */
  private referencedElsewhere(records: readonly NewStatementRecord[], plans: Array<Array<{ profile: CompiledProfile }>>): Promise<Map<string, object>> {
    const inBatch = new Set(records.map((record) => record.id));
    const needs = records.flatMap((record, index) => plans[index]!.map(({ profile }) => ({ profile, statement: record.statement })));
    return referencedStatements(needs, (id) => inBatch.has(id), async (id) => (await this.options.statements.getById(id))?.statement);
  }

  private async keep(reports: StatementReport[]): Promise<void> {
    try {
      const store = this.options.reports;
      await Promise.all(reports.map((report) => store.put(report)));
    } catch (error) {
      this.options.logger.error({ err: error, statements: reports.length }, 'storing xAPI Profile warn reports failed; the statements are stored');
    }
  }
}

/** The version of the profile a statement claims through a category activity, else the latest. */
export function versionClaimed(profile: ActiveProfile, statement: { context?: { contextActivities?: { category?: unknown } } }): CompiledProfile {
  const category = statement.context?.contextActivities?.category;
  if (Array.isArray(category)) {
    for (const activity of category) {
      const claimed = typeof activity === 'object' && activity !== null ? profile.versions.get(String((activity as { id?: unknown }).id)) : undefined;
      if (claimed !== undefined) return claimed;
    }
  }
  return profile.latest;
}

function violation(report: ProfileReport, what: string): BadRequestError {
  return new BadRequestError(ProfileErrorCode.Violation, `${what} does not conform to ${describeNonConformance(report)}`);
}
