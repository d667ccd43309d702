/**
 * Claims of 15-minute slots: the one place where overlapping reservations are refused, by the
 * database rather than by checking and then writing (docs/marketplace.md, "Reservations never
 * overlap"). A slot's claim is one document whose id is `${spaceId}/${slotMs}`, unique on both
 * engines; it changes hands only by an update on the revision that was read, and only after its
 * owner was read (after the claim) and found not to need it — or, when the owner needs it but is
 * stale, after the owner itself was replaced on its revision (claimWorth). No transactions.
 */
import type { Collection, StoredDocument } from '../../../plugin-api';
import { claimId, claimWorth, type StoredClaim, type StoredReservation } from './records';

/** A claim this request holds: its id and the revision it wrote (to release it only while still its own). */
export interface HeldClaim {
  id: string;
  revision: number;
  spaceId: string;
  slotMs: number;
}

export type ClaimOutcome = ({ taken: true } & HeldClaim) | { taken: false; ownerId: string | undefined };

/** Rounds of insert / read / take before giving a slot up to contention (each lost round means another request moved). */
const MAX_ROUNDS = 8;

export interface SlotClaimsOptions {
  claims: Collection<StoredClaim>;
  reservations: Collection<StoredReservation>;
  /** The owner that covers the slot but is stale, as it must be replaced before its claim is taken. */
  lapse(ownerId: string, owner: StoredReservation, nowMs: number): StoredReservation;
  /** Called after an owner was replaced (to record what the replacement added). */
  lapsed(ownerId: string, owner: StoredDocument<StoredReservation>): void;
}

export class SlotClaims {
  constructor(private readonly options: SlotClaimsOptions) {}

  /**
   * Claims the slot for `reservationId`: inserts the claim, or takes it over on its revision when it
   * is free, already this reservation's (written again, so that a taker who read it earlier loses),
   * or its owner no longer holds it. `taken: false` when a live owner holds it.
   */
  async claim(spaceId: string, slotMs: number, reservationId: string, nowMs: number): Promise<ClaimOutcome> {
    const id = claimId(spaceId, slotMs);
    const mine: StoredClaim = { spaceId, slotMs, reservationId };
    const { claims } = this.options;
    let ownerId: string | undefined;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (await claims.insert(id, mine)) return { taken: true, id, revision: 1, spaceId, slotMs };
      const current = await claims.get(id);
      if (current === undefined) continue;
      ownerId = current.value.reservationId ?? undefined;
      if (ownerId !== undefined && ownerId !== reservationId) {
        const owner = await this.ownerGivesUp(ownerId, slotMs, nowMs);
        if (owner === 'live') return { taken: false, ownerId };
        if (owner === 'moved') continue;
      }
      if (await claims.update(id, mine, current.revision)) return { taken: true, id, revision: current.revision + 1, spaceId, slotMs };
    }
    return { taken: false, ownerId };
  }

  /**
   * Whether a live reservation other than `reservationId` holds one of the slots now: read only, to
   * refuse early without writing (the claims still decide; a slot found free here may be lost there).
   */
  async heldByOthers(spaceId: string, slots: number[], reservationId: string, nowMs: number): Promise<boolean> {
    const { claims, reservations } = this.options;
    const found = await claims.find({ where: { spaceId, slotMs: { gte: slots[0], lte: slots.at(-1)! } } });
    const owners = new Map<string, Promise<StoredDocument<StoredReservation> | undefined>>();
    for (const { value } of found) {
      if (value.reservationId === null || value.reservationId === reservationId) continue;
      if (!owners.has(value.reservationId)) owners.set(value.reservationId, reservations.get(value.reservationId));
      const owner = await owners.get(value.reservationId)!;
      if (owner !== undefined && claimWorth(owner.value, value.slotMs, nowMs, (stale) => stale) === 'live') return true;
    }
    return false;
  }

  /**
   * Deletes the claims of slots that ended before `beforeMs`: no hold can claim a slot in the past,
   * so they decide nothing any more (the reservations keep their times).
   */
  async forgetBefore(beforeMs: number): Promise<number> {
    return this.options.claims.deleteMany({ slotMs: { lt: beforeMs } });
  }

  /** Frees the claims this request took, each only while it still has the revision written (a taker's stays). */
  async release(held: HeldClaim[]): Promise<void> {
    await Promise.all(held.map((claim) => this.free(claim)));
  }

  /** Frees the claims `reservationId` owns among `slots` of the space (after it ended or moved away from them). */
  async releaseOwned(reservationId: string, spaceId: string, slots: number[]): Promise<void> {
    if (slots.length === 0) return;
    const found = await this.options.claims.find({ where: { spaceId, slotMs: { gte: Math.min(...slots), lte: Math.max(...slots) } } });
    const wanted = new Set(slots);
    const owned = found.filter(({ value }) => value.reservationId === reservationId && wanted.has(value.slotMs));
    await Promise.all(owned.map(({ id, revision, value }) => this.free({ id, revision, spaceId, slotMs: value.slotMs })));
  }

  private async free({ id, revision, spaceId, slotMs }: HeldClaim): Promise<void> {
    await this.options.claims.update(id, { spaceId, slotMs, reservationId: null }, revision);
  }

  /**
   * Whether the owner read now still needs the slot (`live`), does not (`free`), or was stale and is
   * now replaced on its revision (`free` too); `moved` when it changed between reading and replacing.
   */
  private async ownerGivesUp(ownerId: string, slotMs: number, nowMs: number): Promise<'live' | 'free' | 'moved'> {
    const { reservations, lapse, lapsed } = this.options;
    const owner = await reservations.get(ownerId);
    if (owner === undefined) return 'free';
    const worth = claimWorth(owner.value, slotMs, nowMs, (stale) => lapse(ownerId, stale, nowMs));
    if (worth === 'live' || worth === 'free') return worth;
    if (!(await reservations.update(ownerId, worth, owner.revision))) return 'moved';
    lapsed(ownerId, { id: ownerId, value: worth, revision: owner.revision + 1 });
    return 'free';
  }
}
