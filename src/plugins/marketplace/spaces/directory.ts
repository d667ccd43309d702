/**
 * The spaces: owners register and update them and publish their availability, space verifiers
 * assert certifications, accessibility features and child safety until an expiry, or withdraw
 * that. Every write is recorded as a statement of the profile, and the stores are built only from
 * the statements this plugin recorded (`apply`), so a rebuild gives them back and a client POSTing
 * the same verbs to /xapi changes nothing.
 */
import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  HttpError,
  ifiKey,
  NotFoundError,
  recordedByPlugin,
  type Collection,
  type FeedEvent,
  type FeedStatement,
  type PluginStatements,
  type StoredStatement,
} from '../../../plugin-api';
import { parseAvailabilityPlan } from '../availability';
import type { AgentKey, AvailabilityPlan, Party, Space, SpaceLookup } from '../model';
import { cellsOf } from '../search/geo';
import { spaceIri } from '../vocabulary';
import { chosenId, parseListing, parseReason, parseVerification } from './input';
import { KEPT_CONTRIBUTIONS, SPACE_STORES, type Contribution, type Listing, type SearchEntry, type StatementOfSpace, type StoredSpace } from './records';
import { availabilityStatement, listingStatement, spaceFactOf, spaceStatementId, verifiedStatement, withdrawnStatement, type SpaceFact } from './statements';

export const PLUGIN_NAME = 'marketplace';
const QUEUE_HORIZON_MS = 30 * 24 * 3600_000;
const UPDATE_ATTEMPTS = 20;

export interface SpaceDirectoryOptions {
  store: (name: string) => Collection<any>;
  statements: PluginStatements;
  publicUrl: string;
  now?: () => number;
}

export class SpaceDirectory implements SpaceLookup {
  private readonly spacesStore: Collection<StoredSpace>;
  private readonly searchStore: Collection<SearchEntry>;
  private readonly statementsOfSpaces: Collection<StatementOfSpace>;
  private readonly statements: PluginStatements;
  private readonly publicUrl: string;
  private readonly now: () => number;

  constructor({ store, statements, publicUrl, now = Date.now }: SpaceDirectoryOptions) {
    const names = Object.keys(SPACE_STORES) as Array<keyof typeof SPACE_STORES>;
    [this.spacesStore, this.searchStore, this.statementsOfSpaces] = names.map((name) => store(name)) as [Collection<StoredSpace>, Collection<SearchEntry>, Collection<StatementOfSpace>];
    this.statements = statements;
    this.publicUrl = publicUrl;
    this.now = now;
  }

  async space(id: string): Promise<Space | undefined> {
    const stored = await this.spacesStore.get(id);
    return stored && spaceOf(stored.value);
  }

  /** The space, or 404 SPACE_NOT_FOUND. */
  async existing(id: string): Promise<Space> {
    return spaceOf((await this.existingDocument(id)).value);
  }

  async spaces(ids: string[]): Promise<Map<string, Space>> {
    return spacesByIds(this.spacesStore, ids);
  }

  /** The spaces the Agent owns, oldest first (at most `limit`). */
  async ownedBy(agentKey: AgentKey, limit = 100): Promise<Space[]> {
    const documents = await this.spacesStore.find({ where: { ownerKey: agentKey }, orderBy: [{ field: 'registeredMs' }], limit });
    return documents.map(({ value }) => spaceOf(value));
  }

  /**
   * What verifiers should look at: spaces never verified (or whose verification was withdrawn),
   * oldest registered first, then those whose verification expired or expires within 30 days,
   * soonest first.
   */
  async verificationQueue({ limit = 50 }: { limit?: number } = {}): Promise<Space[]> {
    const unverified = await this.spacesStore.find({ where: { verifiedUntilMs: null }, orderBy: [{ field: 'registeredMs' }], limit });
    const remaining = limit - unverified.length;
    const expiring =
      remaining > 0
        ? await this.spacesStore.find({ where: { verifiedUntilMs: { lt: this.now() + QUEUE_HORIZON_MS } }, orderBy: [{ field: 'verifiedUntilMs' }], limit: remaining })
        : [];
    return [...unverified, ...expiring].map(({ value }) => spaceOf(value));
  }

  /** Registers a space owned by the party (`id`, a UUID, may be chosen by the client: a retry with the same listing answers the same space). */
  async register(party: Party, input: unknown): Promise<Space> {
    const listing = parseListing(input);
    const spaceId = chosenId(input) ?? randomUUID();
    const existing = await this.spacesStore.get(spaceId);
    if (existing !== undefined) return sameRegistration(existing.value, party, listing);
    const statement = listingStatement(this.common(party, spaceId, spaceStatementId(spaceId, 'registered', 0)), listing, 'registered');
    await this.recordStep(statement);
    return (await this.space(spaceId))!;
  }

  /** Replaces the listing of the party's space. */
  async update(party: Party, spaceId: string, input: unknown): Promise<Space> {
    const { value, revision } = await this.ownedDocument(party, spaceId);
    const listing = parseListing(input);
    const statement = listingStatement(this.common(party, spaceId, spaceStatementId(spaceId, 'updated', revision)), listing, 'updated');
    await this.recordStep(statement);
    return (await this.space(value.id))!;
  }

  /** Publishes the party's space's weekly plan (parseAvailabilityPlan: 400 INVALID_AVAILABILITY). */
  async publishAvailability(party: Party, spaceId: string, input: unknown): Promise<Space> {
    const { value, revision } = await this.ownedDocument(party, spaceId);
    const plan = parseAvailabilityPlan(withoutActor(input));
    const statement = availabilityStatement(this.common(party, spaceId, spaceStatementId(spaceId, 'availability', revision)), currentListing(value).name, plan);
    await this.recordStep(statement);
    return (await this.space(spaceId))!;
  }

  /** A space verifier's assertion (the caller checked the role or scope): it replaces any earlier one. Nobody verifies their own space. */
  async verify(party: Party, spaceId: string, input: unknown): Promise<Space> {
    const { value, revision } = await this.existingDocument(spaceId);
    if (value.ownerKey === party.key) throw new HttpError(403, 'OWN_SPACE', `Space ${spaceId} is yours: another space verifier must verify it`);
    const verification = parseVerification(input, this.now());
    const statement = verifiedStatement(this.common(party, spaceId, spaceStatementId(spaceId, 'verified', revision)), currentListing(value).name, verification);
    await this.recordStep(statement);
    return (await this.space(spaceId))!;
  }

  /** Withdraws the space's current verification (409 NOT_VERIFIED without one), for `reason`. */
  async withdraw(party: Party, spaceId: string, reason: string): Promise<Space> {
    const why = parseReason({ reason });
    const { value, revision } = await this.existingDocument(spaceId);
    const current = currentVerification(value);
    if (current === undefined) throw new ConflictError('NOT_VERIFIED', `Space ${spaceId} has no verification to withdraw`);
    const statement = withdrawnStatement(this.common(party, spaceId, spaceStatementId(spaceId, 'withdrawn', revision)), currentListing(value).name, current.statementId, why);
    await this.recordStep(statement);
    return (await this.space(spaceId))!;
  }

  /** Builds the stores from the statements this plugin recorded; idempotent by statement id. */
  async apply(events: FeedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'voided') await this.unapply(event.statementId);
      else if (recordedByPlugin(event.statement.statement, PLUGIN_NAME)) await this.applyStatement(event.statement);
    }
  }

  private common(party: Party, spaceId: string, id: string) {
    return { id, actor: party.agent, publicUrl: this.publicUrl, spaceId, timestamp: new Date(this.now()).toISOString() };
  }

  /**
   * Records the step and applies it here too (the delivery applies it again, idempotently), so
   * that the answer shows it. The same id already stored with the same step (a retry after a
   * crash, with another timestamp) counts as recorded; with another step, another writer decided
   * this step of the space first: 409 SPACE_CHANGED.
   */
  private async recordStep(statement: object): Promise<void> {
    const id = (statement as { id: string }).id;
    try {
      await this.statements.record([statement], { applied: true });
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 409)) throw error;
      const stored = await this.statements.get(id);
      if (stored === undefined || !sameStep(stored.statement, statement as StoredStatement)) throw new ConflictError('SPACE_CHANGED', 'The space changed meanwhile: read it again and retry');
    }
    const stored = await this.statements.get(id);
    if (stored !== undefined && !stored.voided) await this.applyStatement({ ...stored, position: 0 });
  }

  private async existingDocument(spaceId: string): Promise<{ value: StoredSpace; revision: number }> {
    const stored = await this.spacesStore.get(spaceId);
    if (stored === undefined) throw new NotFoundError(`No space ${spaceId}`, 'SPACE_NOT_FOUND');
    return stored;
  }

  private async ownedDocument(party: Party, spaceId: string): Promise<{ value: StoredSpace; revision: number }> {
    const stored = await this.existingDocument(spaceId);
    if (stored.value.ownerKey !== party.key) throw new HttpError(403, 'NOT_YOUR_SPACE', `Only the owner of space ${spaceId} may change it`);
    return stored;
  }

  private async applyStatement(record: FeedStatement): Promise<void> {
    const fact = spaceFactOf(record.statement);
    if (fact === undefined) return;
    const { actor, timestamp } = record.statement;
    const author: Author = { key: ifiKey(actor), agent: actor as StoredSpace['owner'], atMs: Date.parse(timestamp ?? record.stored.toISOString()) };
    const iri = spaceIri(this.publicUrl, fact.spaceId);
    const changed = await this.change(fact.spaceId, (space) => withFact(space, fact, record.id, author, iri));
    if (changed) await this.statementsOfSpaces.put(record.id, { spaceId: fact.spaceId });
  }

  private async unapply(statementId: string): Promise<void> {
    const owner = await this.statementsOfSpaces.get(statementId);
    if (owner === undefined) return;
    await this.change(owner.value.spaceId, (space) => withoutStatement(space, statementId));
  }

  /**
   * Applies `edit` to the space's document with an optimistic update (retried when another writer
   * changed it meanwhile), then its search entry. `edit` answers undefined when it changes nothing
   * (a statement applied before) and null to delete the space. Answers whether the space exists after.
   */
  private async change(spaceId: string, edit: (space: StoredSpace | undefined) => StoredSpace | null | undefined): Promise<boolean> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt += 1) {
      const stored = await this.spacesStore.get(spaceId);
      const next = edit(stored?.value);
      if (next === undefined) return stored !== undefined;
      if (next === null) {
        await this.spacesStore.delete(spaceId);
        await this.searchStore.delete(spaceId);
        return false;
      }
      const written = stored === undefined ? await this.spacesStore.insert(spaceId, next) : await this.spacesStore.update(spaceId, next, stored.revision);
      if (written) {
        await this.searchStore.put(spaceId, searchEntryOf(next));
        return true;
      }
    }
    throw new ConflictError('SPACE_CHANGED', `Space ${spaceId} kept changing; retry`);
  }
}

/** Whether two statements decide the same step: the same fact by the same Agent. */
function sameStep(one: StoredStatement, other: StoredStatement): boolean {
  return ifiKey(one.actor) === ifiKey(other.actor) && JSON.stringify(spaceFactOf(one)) === JSON.stringify(spaceFactOf(other));
}

function withoutActor(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const { actor: _actor, ...rest } = input as Record<string, unknown>;
  return rest;
}

function sameRegistration(space: StoredSpace, party: Party, listing: Listing): Space {
  const first = space.listings.find(({ statementId }) => statementId === space.registeredBy);
  if (space.ownerKey !== party.key || JSON.stringify(first?.value) !== JSON.stringify(listing)) {
    throw new ConflictError('SPACE_ID_CONFLICT', `Space ${space.id} exists with another owner or listing: choose another id`);
  }
  return spaceOf(space);
}

/** Who made a statement, and when (its timestamp). */
interface Author {
  key: AgentKey | undefined;
  agent: StoredSpace['owner'];
  atMs: number;
}

/** The space after one statement; undefined when it changes nothing (applied before, or not the owner's). */
function withFact(space: StoredSpace | undefined, fact: SpaceFact, statementId: string, author: Author, iri: string): StoredSpace | undefined {
  const { key: actorKey, atMs } = author;
  if (space === undefined) {
    if (fact.kind !== 'registered' || actorKey === undefined) return undefined;
    const registered: StoredSpace = { id: fact.spaceId, iri, owner: author.agent, ownerKey: actorKey, registeredBy: statementId, registeredMs: atMs, listings: [], plans: [], verifications: [], verifiedUntilMs: null };
    return withFact(registered, fact, statementId, author, iri);
  }
  if (contributed(space, statementId)) return undefined;
  const owners = actorKey === space.ownerKey;
  switch (fact.kind) {
    case 'registered':
      return statementId === space.registeredBy ? { ...space, listings: [{ statementId, value: fact.listing, atMs }] } : undefined;
    case 'updated':
      return owners ? { ...space, listings: kept([...space.listings, { statementId, value: fact.listing, atMs }]) } : undefined;
    case 'availability':
      return owners ? { ...space, plans: kept([...space.plans, { statementId, value: fact.plan, atMs }]) } : undefined;
    case 'verified':
      if (owners) return undefined; // an owner's assertion is a claim, even by a space verifier
      return verified({ ...space, verifications: kept([...space.verifications, { statementId, value: { ...fact.verification, verifier: actorKey! }, atMs }]) });
    case 'withdrawn':
      return verified({ ...space, verifications: space.verifications.map((entry) => (entry.statementId === fact.verificationId ? { ...entry, withdrawn: { by: statementId, atMs } } : entry)) });
  }
}

/** The space without one statement's contribution (voided); null when that was its registration. */
function withoutStatement(space: StoredSpace | undefined, statementId: string): StoredSpace | null | undefined {
  if (space === undefined) return undefined;
  if (statementId === space.registeredBy) return null;
  const other = <T extends Contribution<unknown>>(entries: T[]) => entries.filter((entry) => entry.statementId !== statementId);
  const verifications = other(space.verifications).map(({ withdrawn, ...entry }) => (withdrawn === undefined || withdrawn.by === statementId ? entry : { ...entry, withdrawn }));
  return verified({ ...space, listings: other(space.listings), plans: other(space.plans), verifications });
}

function contributed(space: StoredSpace, statementId: string): boolean {
  const lists: Array<Array<{ statementId: string; withdrawn?: { by: string } }>> = [space.listings, space.plans, space.verifications];
  return lists.some((entries) => entries.some((entry) => entry.statementId === statementId || entry.withdrawn?.by === statementId));
}

function kept<T>(entries: T[]): T[] {
  return entries.slice(-KEPT_CONTRIBUTIONS);
}

function verified(space: StoredSpace): StoredSpace {
  return { ...space, verifiedUntilMs: currentVerification(space)?.validUntilMs ?? null };
}

/** When the space last changed: the latest time of what counts in it (voided statements count nowhere). */
function updatedMsOf(space: StoredSpace): number {
  const times = [...space.listings, ...space.plans, ...space.verifications].map(({ atMs }) => atMs);
  const withdrawals = space.verifications.flatMap(({ withdrawn }) => (withdrawn === undefined ? [] : [withdrawn.atMs]));
  return Math.max(space.registeredMs, ...times, ...withdrawals);
}

function currentListing(space: StoredSpace): Listing {
  return space.listings[space.listings.length - 1]!.value;
}

/** The last verification, unless it was withdrawn (an earlier one never comes back). */
function currentVerification(space: StoredSpace): Space['verification'] {
  const last = space.verifications[space.verifications.length - 1];
  if (last === undefined || last.withdrawn !== undefined) return undefined;
  return { ...last.value, statementId: last.statementId };
}

function currentPlan(space: StoredSpace): AvailabilityPlan | undefined {
  return space.plans[space.plans.length - 1]?.value;
}

/** The spaces of `ids` that exist, by id (each read by its key). */
export async function spacesByIds(store: Collection<StoredSpace>, ids: string[]): Promise<Map<string, Space>> {
  const documents = await Promise.all([...new Set(ids)].map((id) => store.get(id)));
  return new Map(documents.filter((stored) => stored !== undefined).map(({ value }) => [value.id, spaceOf(value)]));
}

export function spaceOf(space: StoredSpace): Space {
  const listing = currentListing(space);
  const plan = currentPlan(space);
  const verification = currentVerification(space);
  return {
    id: space.id,
    iri: space.iri,
    owner: space.owner,
    ownerKey: space.ownerKey,
    ...listing,
    ...(plan !== undefined && { availability: plan }),
    ...(verification !== undefined && { verification }),
    registeredMs: space.registeredMs,
    updatedMs: updatedMsOf(space),
  };
}

/** What search filters on: only a verifier's assertion (with its expiry) counts as verified. */
function searchEntryOf(space: StoredSpace): SearchEntry {
  const { address, capacity, hourlyRate, amenities } = currentListing(space);
  const verification = currentVerification(space);
  return {
    sid: space.id,
    ...cellsOf(address.latitude, address.longitude),
    latitude: address.latitude,
    longitude: address.longitude,
    capacity,
    currency: hourlyRate.currency,
    rateMinor: hourlyRate.amountMinor,
    amenities,
    childSafeUntilMs: verification?.childSafe === true ? verification.validUntilMs : null,
    verifiedUntilMs: verification?.validUntilMs ?? null,
    verifiedFeatures: verification?.accessibilityFeatures ?? [],
    verifiedCertifications: verification?.certifications ?? [],
    hasPlan: space.plans.length > 0,
  };
}
