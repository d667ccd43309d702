import { ConflictError, type Collection, type FeedEvent, type Logger, type PluginStatements, type PluginStoreDeclaration } from '../../../plugin-api';
import type { AgentKey, FraudSignal, FraudSignalKind, RatingState } from '../model';
import type { ReputationLedger } from '../ratings';
import { detectSignals, type RatingFact } from './detectors';
import { flagStatementIdOf, flagStatements, parseFlagStatement } from './statements';

/** Store `flags` (derived from the `flagged` statements this plugin recorded), id = the moderation case (registration). */
export interface FlagRecord {
  kind: FraudSignalKind;
  /** Sorted; one `flagged` statement each. */
  subjects: AgentKey[];
  statements: Array<{ subject: AgentKey; statementId: string }>;
  confidence: number;
  evidence: string[];
  explanation: string;
  /** When the first of its statements was stored, seconds. */
  raisedSec: number;
}

/** Store `fraud-scan` (a checkpoint, not derived), id `state`. */
export interface ScanState {
  /** The newest rating's stored second the last complete scan saw: window detectors look at newer ratings only. */
  checkpointSec?: number;
  lastRun?: { atSec: number; ratings: number; signals: number; raised: number; durationMs: number };
}

/** An open flag as moderators see it (appeals/moderation.ts FlagView). */
export interface FlagView extends FraudSignal {
  id: string;
  /** The `flagged` statement of its first subject (a penalty's context.statement). */
  statementId: string;
  registration: string;
  raisedSec: number;
}

export const FRAUD_STORES: Record<string, PluginStoreDeclaration> = {
  flags: { derived: true, indexes: [{ name: 'by_raised', fields: ['raisedSec'] }] },
  'fraud-scan': {},
};

/** The rating states a scan looks at: those that count, and floods that never count (superseded and voided ones are out). */
const SCANNED_STATES: ReadonlySet<RatingState> = new Set(['counted', 'no-shared-session', 'after-reveal']);
/** Ratings read per page (ReputationLedger.ratingsAfter's maximum). */
const PAGE = 1000;
/** Flags raised per run at most: the rest wait for the next run (the checkpoint stays). */
export const MAX_FLAGS_PER_RUN = 200;
/** open() lists at most the newest this many flags. */
export const OPEN_FLAGS_LIMIT = 1000;

export interface FraudFlagsOptions {
  store: <T extends object>(name: string) => Collection<T>;
  statements: PluginStatements;
  ledger: Pick<ReputationLedger, 'ratingsAfter' | 'firstSeen'>;
  logger: Logger;
  publicUrl: string;
  now?: () => Date;
}

const viewOf = (id: string, record: FlagRecord): FlagView => ({
  id,
  registration: id,
  statementId: record.statements.find((entry) => entry.subject === record.subjects[0])?.statementId ?? record.statements[0].statementId,
  kind: record.kind,
  subjects: record.subjects,
  confidence: record.confidence,
  evidence: record.evidence,
  explanation: record.explanation,
  raisedSec: record.raisedSec,
});

/**
 * Fraud flags: the `fraud-scan` job reads every rating through the ledger, runs the detectors and
 * records one `flagged` statement per subject of each new signal; `apply` keeps the `flags` store
 * from those statements. Flags change no weight: a moderator's confirmation (a penalty) does.
 */
export class FraudFlags {
  private readonly flags: Collection<FlagRecord>;
  private readonly state: Collection<ScanState>;
  private readonly now: () => Date;

  constructor(private readonly options: FraudFlagsOptions) {
    this.flags = options.store<FlagRecord>('flags');
    this.state = options.store<ScanState>('fraud-scan');
    this.now = options.now ?? (() => new Date());
  }

  /** Keeps `flags` from the `flagged` statements this plugin recorded (idempotent). */
  async apply(events: FeedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'stored') continue;
      const flagged = parseFlagStatement(event.statement.statement);
      if (flagged === undefined) continue;
      const found = await this.flags.get(flagged.registration);
      const record: FlagRecord = found?.value ?? { ...flagged, subjects: [], statements: [], raisedSec: Math.floor(event.statement.stored.getTime() / 1000) };
      if (record.statements.some((entry) => entry.statementId === event.statement.id)) continue;
      record.statements.push({ subject: flagged.subject, statementId: event.statement.id });
      record.subjects = [...new Set([...record.subjects, flagged.subject])].sort();
      await this.flags.put(flagged.registration, record);
    }
  }

  /** The newest flags first (at most OPEN_FLAGS_LIMIT); moderators' decisions are theirs to filter. */
  async open(): Promise<FlagView[]> {
    const found = await this.flags.find({ orderBy: [{ field: 'raisedSec', descending: true }], limit: OPEN_FLAGS_LIMIT });
    return found.map(({ id, value }) => viewOf(id, value));
  }

  async flag(id: string): Promise<FlagView | undefined> {
    const found = await this.flags.get(id.toLowerCase());
    return found === undefined ? undefined : viewOf(found.id, found.value);
  }

  /** The `fraud-scan` job's run. */
  scanJob(): () => Promise<void> {
    return () => this.scan().then(() => undefined);
  }

  /**
   * One scan: every rating, the graph detectors over all of them, the window detectors (bursts,
   * serial rating, outliers) over those newer than the checkpoint; a flag per new signal.
   */
  async scan(): Promise<{ ratings: number; signals: number; raised: number }> {
    const started = Date.now();
    const state = (await this.state.get('state'))?.value ?? {};
    const { facts, names, newestSec } = await this.readRatings();
    const signals = detectSignals(facts, { sinceSec: state.checkpointSec });
    let raised = 0;
    let capped = false;
    for (const found of signals) {
      if (raised >= MAX_FLAGS_PER_RUN) {
        capped = true;
        break;
      }
      if (await this.raise(found, names)) raised += 1;
    }
    const lastRun = { atSec: Math.floor(this.now().getTime() / 1000), ratings: facts.length, signals: signals.length, raised, durationMs: Date.now() - started };
    await this.state.put('state', { checkpointSec: capped ? state.checkpointSec : (newestSec ?? state.checkpointSec), lastRun });
    this.options.logger.info({ job: 'fraud-scan', ...lastRun }, 'fraud scan done');
    return { ratings: facts.length, signals: signals.length, raised };
  }

  /** Records the signal's flag unless it was recorded before (its statements' ids say). */
  private async raise(found: FraudSignal, names: Map<AgentKey, string>): Promise<boolean> {
    if ((await this.options.statements.get(flagStatementIdOf(found, found.subjects[0]))) !== undefined) return false;
    const statements = flagStatements(found, { publicUrl: this.options.publicUrl, names, now: this.now() });
    if (statements.length === 0) return false;
    try {
      await this.options.statements.record(statements);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false; // another run recorded it meanwhile
      throw error;
    }
  }

  /** Every scanned rating as a fact (account ages from the ledger's first-seen times), the raters' names, the newest stored second. */
  private async readRatings(): Promise<{ facts: RatingFact[]; names: Map<AgentKey, string>; newestSec?: number }> {
    const facts: RatingFact[] = [];
    const names = new Map<AgentKey, string>();
    let newestSec: number | undefined;
    for (let after: string | undefined; ; ) {
      const page = await this.options.ledger.ratingsAfter(after, PAGE);
      for (const { id, rating } of page) {
        if (!SCANNED_STATES.has(rating.state)) continue;
        facts.push({ id, rater: rating.rater, ratee: rating.ratee, session: rating.session, score: rating.score, storedSec: rating.storedSec, raterFirstSeenSec: rating.storedSec });
        if (rating.raterName !== undefined) names.set(rating.rater, rating.raterName);
        newestSec = Math.max(newestSec ?? rating.storedSec, rating.storedSec);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].id;
    }
    const firstSeen = await this.firstSeenOf(facts.map((fact) => fact.rater));
    for (const fact of facts) fact.raterFirstSeenSec = firstSeen.get(fact.rater) ?? fact.storedSec;
    return { facts, names, newestSec };
  }

  private async firstSeenOf(raters: AgentKey[]): Promise<Map<AgentKey, number>> {
    const unique = [...new Set(raters)];
    const seen = new Map<AgentKey, number>();
    for (let start = 0; start < unique.length; start += PAGE) {
      for (const [key, sec] of await this.options.ledger.firstSeen(unique.slice(start, start + PAGE))) seen.set(key, sec);
    }
    return seen;
  }
}

