/**
 * The race's booking attempts (pure): `targets` contested times, each wanted by `perTarget`
 * attempts that all contain the target's core slot but start and end differently (one slot before
 * and after, or not), so that attempts of one target conflict, partly or wholly, and attempts of
 * different targets never touch. The "exactly one winner per slot" is then checkable: of
 * each target's attempts exactly one holds the core slot in the end.
 */
import { randomUUID } from 'node:crypto';
import { SLOT_MS } from '../../model';

export interface Attempt {
  /** The reservation id the client chooses (a retry sends it again). */
  id: string;
  target: number;
  spaceId: string;
  startMs: number;
  endMs: number;
  /** Which of the concurrent clients sends it (it books as that client's Agent). */
  client: number;
}

export interface RacePlan {
  spaceIds: readonly string[];
  targets: number;
  perTarget: number;
  clients: number;
  /** A slot boundary: the first target's earliest attempt starts here. */
  firstSlotMs: number;
  seed: number;
}

/** Slots between the cores of consecutive targets of a space: an attempt spans at most core-1 .. core+1. */
const TARGET_STRIDE_SLOTS = 4;

/**
 * The attempts in sending order: target after target (all clients press on the same few targets
 * at once), each target's variations shuffled by the seed; attempt n goes to client n mod clients.
 */
export function raceAttempts(plan: RacePlan): Attempt[] {
  const random = seededRandom(plan.seed);
  const attempts: Attempt[] = [];
  for (let target = 0; target < plan.targets; target++) {
    const spaceId = plan.spaceIds[target % plan.spaceIds.length]!;
    const coreMs = targetCoreMs(plan, target);
    for (let index = 0; index < plan.perTarget; index++) {
      const startMs = coreMs - (random() < 0.5 ? SLOT_MS : 0);
      const endMs = coreMs + SLOT_MS + (random() < 0.5 ? SLOT_MS : 0);
      attempts.push({ id: randomUUID(), target, spaceId, startMs, endMs, client: attempts.length % plan.clients });
    }
  }
  return attempts;
}

/** The slot every attempt at `target` contains. */
export function targetCoreMs(plan: Pick<RacePlan, 'spaceIds' | 'firstSlotMs'>, target: number): number {
  const round = Math.floor(target / plan.spaceIds.length);
  return plan.firstSlotMs + SLOT_MS + round * TARGET_STRIDE_SLOTS * SLOT_MS;
}

/** The end of the last slot any attempt of the plan wants. */
export function planEndMs(plan: RacePlan): number {
  return targetCoreMs(plan, plan.targets - 1) + 2 * SLOT_MS;
}

/** mulberry32: a small deterministic generator, so that a failing plan can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
