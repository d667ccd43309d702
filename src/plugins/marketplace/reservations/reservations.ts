/**
 * Reservations of learning spaces (docs/marketplace.md, "Reservations"): hold → confirmed →
 * attended, or cancelled, rejected, expired; modify moves a confirmed reservation to new times
 * under the same rules. Every step is decided by one update of the reservation's document on the
 * revision it was read at, and the slots by the claims (claims.ts), so that held and confirmed
 * reservations of one space never overlap across instances and crashes. Each step's statements are
 * kept in the document that decided it, then recorded (statements.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import { ConflictError, ifiKey, NotFoundError, type Agent, type Collection, type PluginStatements, type StoredDocument } from '../../../plugin-api';
import { formatInstant, mergeIntervals } from '../availability';
import { type AgentKey, type Interval, type Party, type ReservationLookup, type ReservationState, type ReservationView, type Space, type SpaceLookup } from '../model';
import { EXTENSION, VERB } from '../vocabulary';
import { bookableSpace, checkAgainstSpace, ReservationCode, requireBooker, requireOwner } from './checks';
import { SlotClaims, type HeldClaim } from './claims';
import { MAX_DURATION_MS, parseHoldRequest, parseModifyRequest, requestKey, type HoldRequest, type Times } from './input';
import { priceOf } from './price';
import { occupies, slotsOf, type StoredAttendance, type StoredClaim, type StoredReservation } from './records';
import { marketplaceAgent, StatementOutbox, StepStatements, type Step } from './statements';

export interface ReservationsOptions {
  store: (name: string) => Collection<any>;
  statements: PluginStatements;
  spaces: SpaceLookup;
  publicUrl: string;
  /** How long a hold lasts before it must be confirmed. */
  holdMs: number;
  now?: () => number;
}

/** How long a hold may take to claim its slots, and a modification its new ones, before others may take them over. */
export const CLAIM_WINDOW_MS = 30_000;
/** Claims of slots this long past are deleted by the hold-expiry job (far beyond any clock skew between instances). */
const FORGET_CLAIMS_AFTER_MS = 24 * 3_600_000;
/** Optimistic rounds of one step before answering 409 RESERVATION_CONTENDED (each lost round means the reservation changed). */
const STEP_ATTEMPTS = 10;
const MAX_FIND = 1000;

type Doc = StoredDocument<StoredReservation>;
type Decision = (reservation: StoredReservation, nowMs: number) => Promise<StoredReservation | undefined>;

export class Reservations implements ReservationLookup {
  private readonly reservations: Collection<StoredReservation>;
  private readonly attendances: Collection<StoredAttendance>;
  private readonly claims: SlotClaims;
  private readonly steps: StepStatements;
  private readonly outbox: StatementOutbox;
  private readonly now: () => number;

  constructor(private readonly options: ReservationsOptions) {
    this.reservations = options.store('reservations');
    this.attendances = options.store('attendances');
    this.now = options.now ?? Date.now;
    this.steps = new StepStatements(options.publicUrl);
    this.outbox = new StatementOutbox(this.reservations, options.statements);
    this.claims = new SlotClaims({
      claims: options.store('claims') as Collection<StoredClaim>,
      reservations: this.reservations,
      lapse: (ownerId, owner, nowMs) => this.lapsed(ownerId, owner, nowMs),
      lapsed: (ownerId, owner) => void this.outbox.record(ownerId, owner.value, owner.revision).catch(() => undefined),
    });
  }

  async hold(party: Party, input: unknown): Promise<ReservationView> {
    return (await this.book(party, input)).view;
  }

  /**
   * A new hold (`created`), or the answer to a retry with the same id and content: a reservation
   * that was held is answered as it is now (its statements recorded again); one interrupted or
   * refused while claiming claims again.
   */
  async book(party: Party, input: unknown): Promise<{ view: ReservationView; created: boolean }> {
    const request = parseHoldRequest(input, this.now());
    const key = requestKey(request, party.key);
    const id = request.id ?? randomUUID();
    let space: Space;
    try {
      space = await bookableSpace(this.options.spaces, request.spaceId);
      checkAgainstSpace(space, request);
      if (await this.claims.heldByOthers(request.spaceId, slotsOf(request.startMs, request.endMs), id, this.now())) throw slotTaken();
    } catch (refused) {
      // A retry of a hold that exists answers as the hold is, whatever the space or its slots say now.
      const existing = request.id === undefined ? undefined : await this.reservations.get(request.id);
      if (existing === undefined) throw refused;
      return this.resume(existing, key);
    }
    const reservation = this.newReservation(party, request, key, space);
    if (!(await this.reservations.insert(id, reservation))) return this.resume(await this.stored(id), key);
    return this.claimThenHold({ id, value: reservation, revision: 1 }, true);
  }

  async confirm(party: Party, id: string): Promise<ReservationView> {
    return this.decide(id, async (reservation, nowMs) => {
      requireBooker(party, reservation.bookerKey);
      if (reservation.state === 'confirmed' || reservation.state === 'attended') return undefined;
      requireState(reservation, ['held'], 'confirmed');
      if (nowMs >= reservation.expiresMs!) throw holdExpired();
      const price = priceOf((await bookableSpace(this.options.spaces, reservation.spaceId)).hourlyRate, minutesOf(reservation));
      const confirmed: StoredReservation = { ...reservation, state: 'confirmed', price, expiresMs: undefined };
      return this.steps.append(id, confirmed, nowMs, [{ verb: VERB.confirmed, actor: reservation.booker, answers: lastOf(reservation, [VERB.held]), extensions: { [EXTENSION.price]: price } }]);
    });
  }

  /**
   * New times for a confirmed reservation, under a hold's rules: the new times are recorded as
   * pending (live for CLAIM_WINDOW_MS), their new slots claimed, then the times moved and the price
   * fixed again in one update (statements: modified, then confirmed), and the slots left behind freed.
   */
  async modify(party: Party, id: string, input: unknown): Promise<ReservationView> {
    const times = parseModifyRequest(input, this.now());
    let space: Space | undefined;
    const pending = await this.step(id, async (reservation, nowMs) => {
      requireBooker(party, reservation.bookerKey);
      requireState(reservation, ['confirmed'], 'modified');
      if (reservation.startMs === times.startMs && reservation.endMs === times.endMs) return undefined;
      if (reservation.pending !== undefined && nowMs < reservation.pending.deadlineMs) {
        throw new ConflictError(ReservationCode.ModificationInProgress, 'Another modification of this reservation is under way; ask again in a moment');
      }
      space = await bookableSpace(this.options.spaces, reservation.spaceId);
      checkAgainstSpace(space, { ...reservation, ...times });
      return { ...reservation, pending: { ...times, deadlineMs: nowMs + CLAIM_WINDOW_MS } };
    });
    if (pending.value.pending === undefined) return this.viewOf(id, pending.value);
    return this.move(pending, space!);
  }

  async cancel(party: Party, id: string, reason?: string): Promise<ReservationView> {
    return this.end(id, 'cancelled', async (reservation) => {
      requireBooker(party, reservation.bookerKey);
      return { verb: VERB.cancelled, actor: party.agent, ...(reason !== undefined && { response: reason }) };
    });
  }

  async reject(party: Party, id: string, reason: string): Promise<ReservationView> {
    return this.end(id, 'rejected', async (reservation) => {
      requireOwner(party, await this.options.spaces.space(reservation.spaceId));
      return { verb: VERB.rejected, actor: party.agent, response: reason, answers: lastOf(reservation, [VERB.held, VERB.updated]) };
    });
  }

  /** The space's owner says the session took place (after its start): one attended statement per attendee, the booker and the learners. */
  async markAttended(party: Party, id: string): Promise<ReservationView> {
    const view = await this.decide(id, async (reservation, nowMs) => {
      requireOwner(party, await this.options.spaces.space(reservation.spaceId));
      if (reservation.state === 'attended') return undefined;
      requireState(reservation, ['confirmed'], 'attended');
      if (nowMs < reservation.startMs) throw new ConflictError(ReservationCode.NotStarted, 'The reservation has not started yet');
      const attended = attendeesOf(reservation).map((attendee) => ({ verb: VERB.attended, actor: attendee }));
      return this.steps.append(id, { ...reservation, state: 'attended' }, nowMs, attended);
    });
    const reservation = (await this.stored(id)).value;
    await Promise.all(attendeesOf(reservation).map((attendee) => this.attendances.put(attendanceId(reservation.spaceId, ifiKey(attendee)!), { agentKey: ifiKey(attendee)!, spaceId: reservation.spaceId, reservationId: id })));
    return view;
  }

  /**
   * The hold-expiry job's run: holds past their expiry become expired (statement hold-expired) and
   * free their slots, holds abandoned while claiming are closed, and statements whose request died
   * before recording them are recorded, at most `limit` of each; claims of slots more than a day
   * past are deleted. Returns the holds expired.
   */
  async expireHolds(limit = 100): Promise<number> {
    const nowMs = this.now();
    const due = await this.reservations.find({ where: { state: 'held', expiresMs: { lte: nowMs } }, limit });
    const abandoned = await this.reservations.find({ where: { state: 'claiming', expiresMs: { lte: nowMs } }, limit });
    let expired = 0;
    for (const doc of [...due, ...abandoned]) {
      if ((await this.expire(doc, nowMs)) && doc.value.state === 'held') expired++;
    }
    await this.outbox.sweep(nowMs, limit);
    await this.claims.forgetBefore(nowMs - FORGET_CLAIMS_AFTER_MS);
    return expired;
  }

  async reservation(id: string): Promise<ReservationView | undefined> {
    const found = await this.reservations.get(id);
    return found !== undefined && wasHeld(found.value) ? this.viewOf(id, found.value) : undefined;
  }

  async attendedSpace(agentKey: AgentKey, spaceId: string): Promise<boolean> {
    return (await this.attendances.get(attendanceId(spaceId, agentKey))) !== undefined;
  }

  async busy(spaceIds: string[], fromMs: number, toMs: number): Promise<Map<string, Interval[]>> {
    const nowMs = this.now();
    const bySpace = new Map<string, Interval[]>();
    for (const { value } of await this.overlapping(spaceIds, fromMs, toMs)) {
      if (!occupies(value, nowMs)) continue;
      const intervals = bySpace.get(value.spaceId) ?? [];
      intervals.push({ startMs: Math.max(value.startMs, fromMs), endMs: Math.min(value.endMs, toMs) });
      bySpace.set(value.spaceId, intervals);
    }
    for (const [spaceId, intervals] of bySpace) bySpace.set(spaceId, mergeIntervals(intervals));
    return bySpace;
  }

  async bookedBy(agentKey: AgentKey, limit: number): Promise<ReservationView[]> {
    const found = await this.reservations.find({ where: { bookerKey: agentKey }, orderBy: [{ field: 'createdMs', descending: true }], limit: MAX_FIND });
    return found.filter(({ value }) => wasHeld(value)).slice(0, limit).map(({ id, value }) => this.viewOf(id, value));
  }

  async ofSpace(spaceId: string, fromMs: number, toMs: number): Promise<ReservationView[]> {
    const found = (await this.overlapping([spaceId], fromMs, toMs)).filter(({ value }) => wasHeld(value));
    return found.sort((one, other) => one.value.startMs - other.value.startMs).map(({ id, value }) => this.viewOf(id, value));
  }

  /** Who may read a reservation: its booker and the space's owner. */
  async readableBy(party: Party, view: ReservationView): Promise<boolean> {
    return view.bookerKey === party.key || (await this.options.spaces.space(view.spaceId))?.ownerKey === party.key;
  }

  private newReservation(party: Party, request: HoldRequest, key: string, space: Space): StoredReservation {
    const nowMs = this.now();
    const { spaceId, startMs, endMs, participants, safetyRequirements, learners } = request;
    return {
      spaceId,
      booker: party.agent,
      bookerKey: party.key,
      learners,
      state: 'claiming',
      startMs,
      endMs,
      participants,
      safetyRequirements,
      price: priceOf(space.hourlyRate, (endMs - startMs) / 60_000),
      timeZone: space.timeZone,
      spaceName: space.name,
      createdMs: nowMs,
      request: key,
      expiresMs: nowMs + CLAIM_WINDOW_MS,
      statements: [],
    };
  }

  /** A retry of a hold with an id that exists (see book). */
  private async resume(existing: Doc, key: string): Promise<{ view: ReservationView; created: boolean }> {
    const { id, value } = existing;
    if (value.request !== key) throw new ConflictError(ReservationCode.IdConflict, `Reservation ${id} exists with other content: choose another id`);
    if (wasHeld(value)) {
      await this.outbox.record(id, value, existing.revision);
      return { view: this.viewOf(id, value), created: false };
    }
    const { refusal: _refusal, ...claimingAgain } = value;
    const again: StoredReservation = { ...claimingAgain, state: 'claiming', expiresMs: this.now() + CLAIM_WINDOW_MS };
    if (!(await this.reservations.update(id, again, existing.revision))) throw contended();
    return this.claimThenHold({ id, value: again, revision: existing.revision + 1 }, false);
  }

  /** Claims every slot in order, then claiming → held on the revision the claiming began with. */
  private async claimThenHold(claiming: Doc, created: boolean): Promise<{ view: ReservationView; created: boolean }> {
    const { id, value } = claiming;
    const taken: HeldClaim[] = [];
    for (const slotMs of slotsOf(value.startMs, value.endMs)) {
      const outcome = await this.claims.claim(value.spaceId, slotMs, id, this.now());
      if (!outcome.taken) return this.refuse(claiming, taken);
      taken.push(outcome);
    }
    const nowMs = this.now();
    const held = this.steps.append(id, { ...value, state: 'held', expiresMs: nowMs + this.options.holdMs }, nowMs, [
      {
        verb: VERB.held,
        actor: value.booker,
        team: value.learners.length > 0 ? value.learners : [value.booker],
        extensions: {
          ...this.steps.slotExtensions(value),
          [EXTENSION.holdExpiresAt]: new Date(nowMs + this.options.holdMs).toISOString(),
          [EXTENSION.safetyRequirements]: value.safetyRequirements,
        },
      },
    ]);
    if (await this.reservations.update(id, held, claiming.revision)) {
      await this.outbox.record(id, held, claiming.revision + 1);
      return { view: this.viewOf(id, held), created };
    }
    return this.afterLostHold(id, taken);
  }

  /** A slot is taken: the hold is refused (on its revision), then the slots it took are freed. */
  private async refuse(claiming: Doc, taken: HeldClaim[]): Promise<{ view: ReservationView; created: boolean }> {
    let current = claiming;
    for (let attempt = 0; attempt < STEP_ATTEMPTS && current.value.state === 'claiming'; attempt++) {
      const refused: StoredReservation = { ...current.value, state: 'rejected', refusal: ReservationCode.SlotTaken, expiresMs: undefined };
      if (await this.reservations.update(current.id, refused, current.revision)) break;
      current = await this.stored(current.id);
      if (wasHeld(current.value)) return { view: this.viewOf(current.id, current.value), created: false };
    }
    await this.claims.release(taken);
    throw slotTaken();
  }

  /** claiming → held failed: a request with the same id held it (answer it), or a taker closed it (free our slots). */
  private async afterLostHold(id: string, taken: HeldClaim[]): Promise<{ view: ReservationView; created: boolean }> {
    const current = await this.stored(id);
    if (wasHeld(current.value)) return { view: this.viewOf(id, current.value), created: false };
    if (current.value.state === 'claiming') throw contended();
    await this.claims.release(taken);
    throw slotTaken();
  }

  /** The claims and commit of a modification whose pending times were written (see modify). */
  private async move(pending: Doc, space: Space): Promise<ReservationView> {
    const { id, value } = pending;
    const to = value.pending!;
    const before = new Set(slotsOf(value.startMs, value.endMs));
    const taken: HeldClaim[] = [];
    for (const slotMs of slotsOf(to.startMs, to.endMs).filter((slot) => !before.has(slot))) {
      const outcome = await this.claims.claim(value.spaceId, slotMs, id, this.now());
      if (!outcome.taken) {
        const { pending: _dropped, ...unmoved } = value;
        await this.reservations.update(id, unmoved, pending.revision);
        await this.claims.release(taken);
        throw slotTaken();
      }
      taken.push(outcome);
    }
    const nowMs = this.now();
    const { pending: _moved, ...rest } = value;
    const price = priceOf(space.hourlyRate, (to.endMs - to.startMs) / 60_000);
    const moved: StoredReservation = { ...rest, startMs: to.startMs, endMs: to.endMs, price };
    const modifiedId = this.steps.idOf(id, value.statements.length);
    const next = this.steps.append(id, moved, nowMs, [
      { verb: VERB.updated, actor: value.booker, answers: lastOf(value, [VERB.confirmed]), extensions: this.steps.slotExtensions(moved) },
      { verb: VERB.confirmed, actor: value.booker, answers: modifiedId, extensions: { [EXTENSION.price]: price } },
    ]);
    if (!(await this.reservations.update(id, next, pending.revision))) {
      await this.claims.release(taken);
      throw new ConflictError(ReservationCode.Contended, 'The reservation changed while it was being moved; it keeps its times');
    }
    await this.outbox.record(id, next, pending.revision + 1);
    const after = new Set(slotsOf(to.startMs, to.endMs));
    await this.claims.releaseOwned(id, value.spaceId, [...before].filter((slot) => !after.has(slot)));
    return this.viewOf(id, next);
  }

  /** held or confirmed → cancelled or rejected (once: a repeat answers the reservation as it is), then its slots freed. */
  private async end(id: string, state: 'cancelled' | 'rejected', stepOf: (reservation: StoredReservation) => Promise<Step>): Promise<ReservationView> {
    const ended = await this.step(id, async (reservation, nowMs) => {
      const step = await stepOf(reservation);
      if (reservation.state === state) return undefined;
      requireState(reservation, ['held', 'confirmed'], state);
      return this.steps.append(id, { ...reservation, state, expiresMs: undefined, pending: undefined }, nowMs, [step]);
    });
    await this.releaseAll(ended.id, ended.value);
    return this.viewOf(id, ended.value);
  }

  /**
   * held → expired (statement hold-expired) or claiming → expired, on the revision read (read again
   * when another write came between, e.g. the mark of recorded statements); then its slots freed.
   */
  private async expire(due: Doc, nowMs: number): Promise<boolean> {
    let doc: Doc | undefined = due;
    for (let attempt = 0; attempt < STEP_ATTEMPTS && doc !== undefined && lapses(doc.value, nowMs); attempt++) {
      const expired = this.lapsed(doc.id, doc.value, nowMs);
      if (await this.reservations.update(doc.id, expired, doc.revision)) {
        await this.outbox.record(doc.id, expired, doc.revision + 1);
        await this.releaseAll(doc.id, expired);
        return true;
      }
      doc = await this.reservations.get(doc.id);
    }
    return false;
  }

  /** What a stale hold becomes: a held one expires with a statement, one still claiming closes with none. */
  private lapsed(id: string, owner: StoredReservation, nowMs: number): StoredReservation {
    const expired: StoredReservation = { ...owner, state: 'expired', expiresMs: undefined };
    if (owner.state === 'claiming') return { ...expired, refusal: 'CLAIM_LAPSED' };
    return this.steps.append(id, expired, nowMs, [{ verb: VERB.holdExpired, actor: marketplaceAgent(this.options.publicUrl) }]);
  }

  private async releaseAll(id: string, reservation: StoredReservation): Promise<void> {
    const { pending } = reservation;
    const slots = [...slotsOf(reservation.startMs, reservation.endMs), ...(pending ? slotsOf(pending.startMs, pending.endMs) : [])];
    await this.claims.releaseOwned(id, reservation.spaceId, slots);
  }

  private async decide(id: string, decision: Decision): Promise<ReservationView> {
    const { value } = await this.step(id, decision);
    return this.viewOf(id, value);
  }

  /**
   * One step: read, decide, update on the revision read (again from the read when another writer
   * came between), then record the statements it added. `undefined` from the decision: nothing to
   * change (a repeated request), only statements left unrecorded are recorded.
   */
  private async step(id: string, decision: Decision): Promise<Doc> {
    for (let attempt = 0; attempt < STEP_ATTEMPTS; attempt++) {
      const current = await this.visible(id);
      const next = await decision(current.value, this.now());
      if (next === undefined) {
        await this.outbox.record(id, current.value, current.revision);
        return current;
      }
      if (await this.reservations.update(id, next, current.revision)) {
        await this.outbox.record(id, next, current.revision + 1);
        return { id, value: next, revision: current.revision + 1 };
      }
    }
    throw contended();
  }

  /** A reservation that was held at some point (404 RESERVATION_NOT_FOUND otherwise). */
  private async visible(id: string): Promise<Doc> {
    const found = await this.reservations.get(id);
    if (found === undefined || !wasHeld(found.value)) throw new NotFoundError(`No reservation ${id}`, ReservationCode.ReservationNotFound);
    return found;
  }

  private async stored(id: string): Promise<Doc> {
    const found = await this.reservations.get(id);
    if (found === undefined) throw new NotFoundError(`No reservation ${id}`, ReservationCode.ReservationNotFound);
    return found;
  }

  /** Reservations of the spaces overlapping [fromMs, toMs) (those starting up to a day before may reach into it). */
  private async overlapping(spaceIds: string[], fromMs: number, toMs: number): Promise<Doc[]> {
    const found = new Map<string, Doc>();
    for (let first = 0; first < spaceIds.length; first += MAX_FIND) {
      const spaceId = { in: spaceIds.slice(first, first + MAX_FIND) };
      let fromStartMs = fromMs - MAX_DURATION_MS;
      for (;;) {
        const page = await this.reservations.find({ where: { spaceId, startMs: { gte: fromStartMs, lt: toMs } }, orderBy: [{ field: 'startMs' }], limit: MAX_FIND });
        for (const doc of page) found.set(doc.id, doc);
        const lastStartMs = page.at(-1)?.value.startMs;
        if (page.length < MAX_FIND || lastStartMs === undefined || lastStartMs === fromStartMs) break;
        fromStartMs = lastStartMs;
      }
    }
    return [...found.values()].filter(({ value }) => value.endMs > fromMs);
  }

  private viewOf(id: string, reservation: StoredReservation): ReservationView {
    const { spaceId, state, booker, bookerKey, startMs, endMs, timeZone, participants, safetyRequirements, price, expiresMs, statements } = reservation;
    return {
      id,
      spaceId,
      state,
      booker,
      bookerKey,
      start: formatInstant(startMs, timeZone),
      end: formatInstant(endMs, timeZone),
      participants,
      safetyRequirements,
      price,
      ...(state === 'held' && { holdExpiresAt: new Date(expiresMs!).toISOString() }),
      statementIds: statements.map((statement) => statement.id),
    };
  }
}

function wasHeld(reservation: StoredReservation): boolean {
  return reservation.statements.length > 0;
}

/** Whether a hold (or a hold still claiming) is past its expiry. */
function lapses(reservation: StoredReservation, nowMs: number): boolean {
  return (reservation.state === 'held' || reservation.state === 'claiming') && reservation.expiresMs! <= nowMs;
}

function requireState(reservation: StoredReservation, allowed: ReservationState[], step: string): void {
  if (allowed.includes(reservation.state)) return;
  if (reservation.state === 'expired' && allowed.includes('held')) throw holdExpired();
  throw new ConflictError(ReservationCode.WrongState, `The reservation is ${reservation.state}: only a ${allowed.join(' or ')} reservation can be ${step}`);
}

/** The id of the reservation's latest statement with one of the verbs. */
function lastOf(reservation: StoredReservation, verbs: string[]): string | undefined {
  return [...reservation.statements].reverse().find(({ verb }) => verbs.includes(verb))?.id;
}

function minutesOf({ startMs, endMs }: Times): number {
  return (endMs - startMs) / 60_000;
}

/** The booker and the learners, each once. */
function attendeesOf(reservation: StoredReservation): Agent[] {
  const byKey = new Map<string, Agent>();
  for (const agent of [reservation.booker, ...reservation.learners]) byKey.set(ifiKey(agent)!, agent);
  return [...byKey.values()];
}

function attendanceId(spaceId: string, agentKey: AgentKey): string {
  return `${spaceId}/${createHash('sha256').update(agentKey).digest('base64url')}`;
}

const slotTaken = () => new ConflictError(ReservationCode.SlotTaken, 'Another reservation holds some of these times');
const holdExpired = () => new ConflictError(ReservationCode.HoldExpired, 'The hold expired before it was confirmed: hold the times again');
const contended = () => new ConflictError(ReservationCode.Contended, 'The reservation changed under this request repeatedly; ask again');
