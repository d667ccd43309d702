import type { FeedEvent, FeedStatement } from '../plugin-api';
import type { Collection, CollectionStore } from '../storage/collections/collection-store';
import type { StatementQuery, StatementRecord, StatementStorage } from '../xapi/statements/statement-storage';
import {
  advancePatterns,
  checkStatement,
  initialPatternStates,
  registrationKey,
  type CompiledProfile,
  type LanguageMap,
  type PatternState,
  type PatternStatus,
} from './engine';
import { versionClaimed } from './enforcement';
import { lazyCollection } from './profile-store';
import { referencedStatements } from './references';
import type { ProfileRegistry, RegistrySnapshot } from './registry';

/**
 * The feed subscriber's name and the owner of the pattern states: rebuilding the subscriber
 * (`npm run plugins -- rebuild profile-patterns`) clears that owner and replays the feed.
 */
export const PATTERNS_OWNER = 'profile-patterns';

/** Template uses kept in each pattern's trace; older ones are counted in `traceDropped`. */
export const TRACE_KEPT = 40;
/** Most runs (profile, subregistration) followed per registration: its state stays one small document. */
export const MAX_RUNS = 100;
/** Most statements of a registration replayed when one of them is voided. */
export const RECOMPUTE_LIMIT = 2_000;

interface TrackedPattern {
  status: PatternStatus;
  /** Indexes into the profile version's templates (small: the state stays well under 1 KB). */
  trace: number[];
  traceDropped: number;
}

interface TrackedProfile {
  profileId: string;
  versionId: string;
  /** The profile's own run within the registration (Part Two §9.0, the subregistration extension), when the statements name one. */
  subregistration?: string;
  /** The engine's PatternState as JSON text (opaque to us). */
  stateText: string;
  /** One per primary pattern, in the version's order. */
  patterns: TrackedPattern[];
}

/** A registration's progress through every profile it has statements of, as stored (owner `profile-patterns`, collection `registrations`, id: the registration). */
interface RegistrationState {
  registration: string;
  /** Feed position of the last statement applied: a statement delivered again is not applied twice. */
  lastPosition: number;
  profiles: TrackedProfile[];
  /**
   * A batch (statements stored together: one `stored` time) that a delivery ended in the middle
   * of: all its statements of the registration were applied then, and these ids, still to be
   * delivered, are skipped when they are.
   */
  pending?: { stored: number; ids: string[] };
}

export interface PatternConformance {
  id: string;
  prefLabel?: LanguageMap;
  status: PatternStatus;
  /** The templates each statement of the registration consumed in this pattern, in order (the last TRACE_KEPT). */
  trace: string[];
  /** How many earlier template uses are no longer listed. */
  traceDropped: number;
}

export interface RegistrationConformance {
  registration: string;
  profiles: Array<{ id: string; subregistration?: string; version: string; prefLabel: LanguageMap; patterns: PatternConformance[] }>;
}

export interface PatternTrackerOptions {
  registry: ProfileRegistry;
  /** Referenced statements (StatementRef templates) and a registration's statements when one is voided. */
  statements: Pick<StatementStorage, 'getById' | 'query'>;
}

/**
 * Matches each registration's statements against the primary patterns of every active profile,
 * fed by the durable post-store event feed (so the state is never ahead of or behind the stored
 * statements) and persisted in the collection store after every delivery (a restart changes
 * nothing).
 *
 * A statement naming a subregistration for the profile (Part Two §9.0: the subregistration
 * extension) moves that run of the profile's patterns, kept apart from the registration's others
 * (at most MAX_RUNS runs per registration; statements starting more are not followed).
 *
 * A registration starts being tracked for a profile with its first statement that is a subject
 * of that profile (in the version it claims, else the latest); its statements that are not
 * subjects of the profile do not move that profile's patterns. Profiles are tracked whatever their
 * enforcement mode; a retired profile's patterns stop moving (their last state is still reported).
 *
 * Order: the feed's, except within a batch (statements stored by one request share their `stored`
 * time, and the feed orders them by id), whose statements count in `timestamp` order. A delivery
 * that ends inside a batch has the registration's rest of that batch read from the store and
 * applied at once; those ids are kept as pending and skipped when the next delivery brings them.
 *
 * Idempotent by statement: each registration keeps the feed position of the last statement applied
 * and ignores a statement delivered again. When a statement of a tracked registration is voided,
 * the registration's state is recomputed from its statements that are not voided and were stored
 * no later than the voiding statement, in stored order (at most RECOMPUTE_LIMIT of them: beyond,
 * the later ones do not count), through the registration index. Stored order is feed order on
 * SQLite (one writer, a monotonic clock); on MongoDB with several instances whose clocks differ, a
 * statement of the same registration stored by another instance within that difference of the
 * voiding statement can be counted by the recomputation and again when the feed delivers it.
 */
export class PatternTracker {
  private readonly states: Collection<RegistrationState>;

  constructor(
    collections: CollectionStore,
    private readonly options: PatternTrackerOptions,
  ) {
    this.states = lazyCollection(collections, 'registrations', undefined, PATTERNS_OWNER);
  }

  /** The feed subscriber's hook: events in feed order, at least once. */
  async onEvents(events: readonly FeedEvent[]): Promise<void> {
    const snapshot = await this.options.registry.current();
    const byRegistration = new Map<string, FeedEvent[]>();
    for (const event of events) {
      const registration = await this.registrationOf(event, snapshot);
      if (registration === undefined) continue;
      const list = byRegistration.get(registration) ?? [];
      list.push(event);
      byRegistration.set(registration, list);
    }
    let mayGoOn: number | undefined;
    for (const event of events) if (event.type === 'stored') mayGoOn = event.statement.stored.getTime();
    for (const [registration, list] of byRegistration) await this.applyAll(registration, list, snapshot, mayGoOn);
  }

  async conformance(registration: string): Promise<RegistrationConformance> {
    const state = (await this.states.get(registration))?.value;
    const profiles = await Promise.all(
      (state?.profiles ?? []).map(async (tracked) => {
        const profile = await this.options.registry.compiledVersion(tracked.versionId);
        const primary = (profile?.patterns ?? []).filter((pattern) => pattern.primary);
        return {
          id: tracked.profileId,
          ...(tracked.subregistration === undefined ? {} : { subregistration: tracked.subregistration }),
          version: tracked.versionId,
          prefLabel: profile?.prefLabel ?? {},
          patterns: tracked.patterns.map((pattern, index) => ({
            id: primary[index]?.id ?? '',
            prefLabel: primary[index]?.prefLabel,
            status: pattern.status,
            trace: pattern.trace.map((template) => profile?.templates[template]?.id ?? ''),
            traceDropped: pattern.traceDropped,
          })),
        };
      }),
    );
    return { registration, profiles };
  }

  /** The registration a stored statement is in, or (voided) the registration of the statement voided, when it is tracked. */
  private async registrationOf(event: FeedEvent, snapshot: RegistrySnapshot): Promise<string | undefined> {
    if (event.type === 'stored') {
      if (!snapshot.active.some((profile) => hasPrimaryPattern(profile.latest))) return undefined;
      return registrationIn(event.statement.statement);
    }
    const voided = await this.options.statements.getById(event.statementId);
    return voided === undefined ? undefined : registrationIn(voided.statement);
  }

  /**
   * Applies a registration's events and stores its state (optimistically: on a concurrent change it
   * reads the state again and starts over). `mayGoOn`: the `stored` time of the delivery's last
   * batch, which the next delivery may continue.
   */
  private async applyAll(registration: string, events: FeedEvent[], snapshot: RegistrySnapshot, mayGoOn: number | undefined): Promise<void> {
    for (;;) {
      const current = await this.states.get(registration);
      let state: RegistrationState = current?.value ?? { registration, lastPosition: 0, profiles: [] };
      for (const group of batches(events.filter((fresh) => fresh.position > state.lastPosition))) {
        if (group.type === 'voided') {
          state = state.profiles.length === 0 ? { ...state, lastPosition: group.event.position } : await this.recomputed(registration, group.event, snapshot);
        } else {
          state = await this.appliedBatch(state, group.statements, snapshot, mayGoOn);
        }
      }
      if (current === undefined && state.profiles.length === 0) return;
      if (current?.value === state) return;
      const written = current === undefined ? await this.states.insert(registration, state) : await this.states.update(registration, state, current.revision);
      if (written) return;
    }
  }

  /**
   * Applies the statements of one batch in the order they happened (`timestamp`, then feed order):
   * the feed orders a batch by statement id, which says nothing of that order. When the delivery
   * may have cut the batch (it ends with it), the registration's other statements of the batch are
   * read and applied now, and remembered as pending.
   */
  private async appliedBatch(state: RegistrationState, delivered: FeedStatement[], snapshot: RegistrySnapshot, mayGoOn: number | undefined): Promise<RegistrationState> {
    const stored = delivered[0]!.stored.getTime();
    const lastPosition = Math.max(...delivered.map((statement) => statement.position));
    const alreadyApplied = new Set(state.pending?.stored === stored ? state.pending.ids : []);
    const deliveredIds = new Set(delivered.map((statement) => statement.id));
    let toApply = delivered.filter((statement) => !alreadyApplied.has(statement.id));
    let pending = [...alreadyApplied].filter((id) => !deliveredIds.has(id));
    if (stored === mayGoOn && state.pending?.stored !== stored) {
      const rest = (await this.storedTogether(state.registration, delivered[0]!.stored)).filter((record) => !deliveredIds.has(record.id));
      toApply = [...toApply, ...rest.map((record) => ({ ...record, position: lastPosition }))];
      pending = rest.map((record) => record.id);
    }
    let next: RegistrationState = { ...state, pending: pending.length > 0 ? { stored, ids: pending } : undefined };
    for (const statement of inOrderOfTimestamp(toApply)) next = await this.applied(next, statement, snapshot);
    return { ...next, lastPosition: Math.max(next.lastPosition, lastPosition) };
  }

  /** The registration's statements stored at `stored` (one batch), not voided. */
  private async storedTogether(registration: string, stored: Date): Promise<StatementRecord[]> {
    const query: StatementQuery = {
      registration,
      since: new Date(stored.getTime() - 1),
      until: stored,
      ascending: true,
      limit: RECOMPUTE_LIMIT,
      relatedAgents: false,
      relatedActivities: false,
    };
    return (await this.options.statements.query(query)).records.filter((record) => !record.voided);
  }

  private async applied(state: RegistrationState, fed: FeedStatement, snapshot: RegistrySnapshot): Promise<RegistrationState> {
    const profiles = [...state.profiles];
    for (const active of snapshot.active) {
      const claimed = versionClaimed(active, fed.statement);
      const subregistration = subregistrationIn(claimed, fed.statement);
      const index = profiles.findIndex((tracked) => tracked.profileId === active.entry.profileId && tracked.subregistration === subregistration);
      const tracked = profiles[index];
      const profile = tracked === undefined ? claimed : active.versions.get(tracked.versionId);
      if (profile === undefined || !hasPrimaryPattern(profile)) continue;
      const check = checkStatement(profile, fed.statement, await this.referencedBy(profile, fed.statement));
      if (!check.subject) continue;
      if (tracked === undefined && profiles.length >= MAX_RUNS) continue;
      const next = advanced(profile, tracked ?? initial(profile, subregistration), check.matched);
      if (index === -1) profiles.push(next);
      else profiles[index] = next;
    }
    return { ...state, lastPosition: Math.max(state.lastPosition, fed.position), profiles };
  }

  /**
   * The state from the registration's statements not voided, in stored order, stored no later than
   * the voiding statement (the feed has delivered those; the later ones are still to come).
   */
  private async recomputed(registration: string, voiding: Extract<FeedEvent, { type: 'voided' }>, snapshot: RegistrySnapshot): Promise<RegistrationState> {
    const voidedBy = await this.options.statements.getById(voiding.voidedBy);
    const query: StatementQuery = {
      registration,
      until: voidedBy?.stored,
      ascending: true,
      limit: RECOMPUTE_LIMIT,
      relatedAgents: false,
      relatedActivities: false,
    };
    const { records } = await this.options.statements.query(query);
    const replayed = records.filter((record) => !record.voided).map((record, index) => ({ ...record, position: index + 1 }));
    let state: RegistrationState = { registration, lastPosition: 0, profiles: [] };
    for (const group of batches(replayed.map((statement): FeedEvent => ({ type: 'stored', position: statement.position, statement })))) {
      if (group.type === 'stored') for (const statement of inOrderOfTimestamp(group.statements)) state = await this.applied(state, statement, snapshot);
    }
    return { registration, profiles: state.profiles, lastPosition: voiding.position };
  }

  private async referencedBy(profile: CompiledProfile, statement: object): Promise<(id: string) => object | undefined> {
    const found = await referencedStatements([{ profile, statement }], () => false, async (id) => (await this.options.statements.getById(id))?.statement);
    return (id) => found.get(id.toLowerCase());
  }
}

function initial(profile: CompiledProfile, subregistration: string | undefined): TrackedProfile {
  const primary = profile.patterns.filter((pattern) => pattern.primary);
  return {
    profileId: profile.id,
    versionId: profile.versionId,
    ...(subregistration === undefined ? {} : { subregistration }),
    stateText: JSON.stringify(initialPatternStates(profile)),
    patterns: primary.map(() => ({ status: 'in-progress', trace: [], traceDropped: 0 })),
  };
}

function advanced(profile: CompiledProfile, tracked: TrackedProfile, matched: string[]): TrackedProfile {
  const { state, results } = advancePatterns(profile, JSON.parse(tracked.stateText) as PatternState, matched);
  const indexOf = new Map(profile.templates.map((template, index) => [template.id, index]));
  const patterns = tracked.patterns.map((pattern, index) => {
    const result = results[index];
    if (result === undefined) return pattern;
    const trace = [...pattern.trace, ...result.trace.map((id) => indexOf.get(id) ?? -1)];
    const dropped = Math.max(0, trace.length - TRACE_KEPT);
    return { status: result.status, trace: trace.slice(dropped), traceDropped: pattern.traceDropped + dropped };
  });
  return { ...tracked, stateText: JSON.stringify(state), patterns };
}

type EventGroup = { type: 'stored'; statements: FeedStatement[] } | { type: 'voided'; event: Extract<FeedEvent, { type: 'voided' }> };

/** Events in feed order, consecutive statements stored together (one batch: the same `stored` time) grouped. */
function batches(events: readonly FeedEvent[]): EventGroup[] {
  const groups: EventGroup[] = [];
  for (const event of events) {
    const last = groups.at(-1);
    if (event.type === 'voided') groups.push({ type: 'voided', event });
    else if (last?.type === 'stored' && last.statements[0]!.stored.getTime() === event.statement.stored.getTime()) last.statements.push(event.statement);
    else groups.push({ type: 'stored', statements: [event.statement] });
  }
  return groups;
}

/** By `timestamp`, then feed position, then as given. */
function inOrderOfTimestamp(statements: readonly FeedStatement[]): FeedStatement[] {
  const time = (statement: FeedStatement) => Date.parse(statement.statement.timestamp) || 0;
  return statements
    .map((statement, index) => ({ statement, index }))
    .sort((a, b) => time(a.statement) - time(b.statement) || a.statement.position - b.statement.position || a.index - b.index)
    .map(({ statement }) => statement);
}

function hasPrimaryPattern(profile: CompiledProfile): boolean {
  return profile.patterns.some((pattern) => pattern.primary);
}

/** The subregistration a statement names for this profile (lower-case), if any. */
function subregistrationIn(profile: CompiledProfile, statement: object): string | undefined {
  const key = registrationKey(profile, statement);
  const separator = key?.indexOf(' ') ?? -1;
  return separator === -1 ? undefined : key!.slice(separator + 1);
}

function registrationIn(statement: { context?: { registration?: string } }): string | undefined {
  return statement.context?.registration?.toLowerCase();
}
