import type { FeedEvent, FeedStatement } from '../plugin-api';
import type { Collection, CollectionStore } from '../storage/collections/collection-store';
import type { StatementQuery, StatementStorage } from '../xapi/statements/statement-storage';
import {
  advancePatterns,
  checkStatement,
  initialPatternStates,
  type CompiledProfile,
  type LanguageMap,
  type PatternState,
  type PatternStatus,
} from './engine';
import { versionClaimed } from './enforcement';
import { lazyCollection } from './profile-store';
import { referencedStatements } from './references';
import type { ProfileRegistry, RegistrySnapshot } from './registry';

/** Template uses kept in each pattern's trace; older ones are counted in `traceDropped`. */
export const TRACE_KEPT = 40;
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
  /** The engine's PatternState as JSON text (opaque to us). */
  stateText: string;
  /** One per primary pattern, in the version's order. */
  patterns: TrackedPattern[];
}

/** A registration's progress through every profile it has statements of, as stored (collection `registrations`, id: the registration). */
interface RegistrationState {
  registration: string;
  /** Feed position of the last statement applied: a statement delivered again is not applied twice. */
  lastPosition: number;
  profiles: TrackedProfile[];
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
  profiles: Array<{ id: string; version: string; prefLabel: LanguageMap; patterns: PatternConformance[] }>;
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
 * A registration starts being tracked for a profile with its first statement that is a subject
 * of that profile (in the version it claims, else the latest); its statements that are not
 * subjects of the profile do not move that profile's patterns. Profiles are tracked whatever their
 * enforcement mode; a retired profile's patterns stop moving (their last state is still reported).
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
    this.states = lazyCollection(collections, 'registrations');
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
    for (const [registration, list] of byRegistration) await this.applyAll(registration, list, snapshot);
  }

  async conformance(registration: string): Promise<RegistrationConformance> {
    const state = (await this.states.get(registration))?.value;
    const profiles = await Promise.all(
      (state?.profiles ?? []).map(async (tracked) => {
        const profile = await this.options.registry.compiledVersion(tracked.versionId);
        const primary = (profile?.patterns ?? []).filter((pattern) => pattern.primary);
        return {
          id: tracked.profileId,
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

  private async applyAll(registration: string, events: FeedEvent[], snapshot: RegistrySnapshot): Promise<void> {
    for (;;) {
      const current = await this.states.get(registration);
      let state: RegistrationState = current?.value ?? { registration, lastPosition: 0, profiles: [] };
      for (const event of inLearnerOrder(events.filter((fresh) => fresh.position > state.lastPosition))) {
        state =
          event.type === 'stored'
            ? await this.applied(state, event.statement, snapshot)
            : state.profiles.length === 0
              ? { ...state, lastPosition: event.position }
              : await this.recomputed(registration, event, snapshot);
      }
      if (current === undefined && state.profiles.length === 0) return;
      if (current?.value === state) return;
      const written = current === undefined ? await this.states.insert(registration, state) : await this.states.update(registration, state, current.revision);
      if (written) return;
    }
  }

  private async applied(state: RegistrationState, fed: FeedStatement, snapshot: RegistrySnapshot): Promise<RegistrationState> {
    const profiles = [...state.profiles];
    for (const active of snapshot.active) {
      const index = profiles.findIndex((tracked) => tracked.profileId === active.entry.profileId);
      const tracked = profiles[index];
      const profile = tracked === undefined ? versionClaimed(active, fed.statement) : active.versions.get(tracked.versionId);
      if (profile === undefined || !hasPrimaryPattern(profile)) continue;
      const check = checkStatement(profile, fed.statement, await this.referencedBy(profile, fed.statement));
      if (!check.subject) continue;
      const next = advanced(profile, tracked ?? initial(profile), check.matched);
      if (index === -1) profiles.push(next);
      else profiles[index] = next;
    }
    return { registration: state.registration, lastPosition: Math.max(state.lastPosition, fed.position), profiles };
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
    const replayed = records
      .filter((record) => !record.voided)
      .map((record, index): FeedEvent => ({ type: 'stored', position: index + 1, statement: { ...record, position: index + 1 } }));
    let state: RegistrationState = { registration, lastPosition: 0, profiles: [] };
    for (const event of inLearnerOrder(replayed)) if (event.type === 'stored') state = await this.applied(state, event.statement, snapshot);
    return { ...state, lastPosition: voiding.position };
  }

  private async referencedBy(profile: CompiledProfile, statement: object): Promise<(id: string) => object | undefined> {
    const found = await referencedStatements([{ profile, statement }], () => false, async (id) => (await this.options.statements.getById(id))?.statement);
    return (id) => found.get(id.toLowerCase());
  }
}

function initial(profile: CompiledProfile): TrackedProfile {
  const primary = profile.patterns.filter((pattern) => pattern.primary);
  return {
    profileId: profile.id,
    versionId: profile.versionId,
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

/**
 * Feed order, except among statements stored together (one batch: the same `stored` time), which
 * are taken by `timestamp`, then feed order: within a batch the feed follows statement ids, which
 * say nothing of the order in which things happened.
 */
export function inLearnerOrder(events: readonly FeedEvent[]): FeedEvent[] {
  let batchStart = 0;
  const keyed = events.map((event, index) => {
    const previous = events[index - 1];
    if (previous === undefined || !storedTogether(previous, event)) batchStart = index;
    return { event, index, batchStart, time: event.type === 'stored' ? Date.parse(event.statement.statement.timestamp) || 0 : 0 };
  });
  keyed.sort((a, b) => a.batchStart - b.batchStart || a.time - b.time || a.index - b.index);
  return keyed.map(({ event }) => event);
}

function storedTogether(a: FeedEvent, b: FeedEvent): boolean {
  return a.type === 'stored' && b.type === 'stored' && a.statement.stored.getTime() === b.statement.stored.getTime();
}

function hasPrimaryPattern(profile: CompiledProfile): boolean {
  return profile.patterns.some((pattern) => pattern.primary);
}

function registrationIn(statement: { context?: { registration?: string } }): string | undefined {
  return statement.context?.registration?.toLowerCase();
}
