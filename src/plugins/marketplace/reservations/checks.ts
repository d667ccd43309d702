/**
 * The space's rules a reservation's times and party must meet before any slot is claimed: it
 * exists and is open for booking, the participants fit, the times lie inside the published
 * availability, and the space's verified, unexpired certifications cover the safety requirements.
 */
import { BadRequestError, ConflictError, HttpError, NotFoundError } from '../../../plugin-api';
import { isOpenThroughout } from '../availability';
import type { Party, Space, SpaceLookup } from '../model';
import type { Times } from './input';

export const ReservationCode = {
  SpaceNotFound: 'SPACE_NOT_FOUND',
  SpaceClosed: 'SPACE_CLOSED',
  OverCapacity: 'OVER_CAPACITY',
  OutsideAvailability: 'OUTSIDE_AVAILABILITY',
  UnmetSafetyRequirements: 'UNMET_SAFETY_REQUIREMENTS',
  ReservationNotFound: 'RESERVATION_NOT_FOUND',
  SlotTaken: 'SLOT_TAKEN',
  HoldExpired: 'HOLD_EXPIRED',
  IdConflict: 'RESERVATION_ID_CONFLICT',
  WrongState: 'RESERVATION_STATE',
  NotStarted: 'NOT_STARTED',
  ModificationInProgress: 'MODIFICATION_IN_PROGRESS',
  Contended: 'RESERVATION_CONTENDED',
  NotYourReservation: 'NOT_YOUR_RESERVATION',
  NotYourSpace: 'NOT_YOUR_SPACE',
} as const;

/** The space, which must exist (404) and not be closed (409). */
export async function bookableSpace(spaces: SpaceLookup, spaceId: string): Promise<Space> {
  const space = await spaces.space(spaceId);
  if (space === undefined) throw new NotFoundError(`No space ${spaceId}`, ReservationCode.SpaceNotFound);
  if (space.closed) throw new ConflictError(ReservationCode.SpaceClosed, 'The space is closed: it takes no reservations');
  return space;
}

/** Throws the first rule of the space the reservation breaks (400 OVER_CAPACITY, 409 OUTSIDE_AVAILABILITY or UNMET_SAFETY_REQUIREMENTS). */
export function checkAgainstSpace(space: Space, reservation: Times & { participants: number; safetyRequirements: string[] }): void {
  if (reservation.participants > space.capacity) {
    throw new BadRequestError(ReservationCode.OverCapacity, `participants (${reservation.participants}) exceed the space's capacity of ${space.capacity}`);
  }
  if (space.availability === undefined || !isOpenThroughout(space.availability, reservation.startMs, reservation.endMs)) {
    throw new ConflictError(ReservationCode.OutsideAvailability, "The times are not inside the space's published availability");
  }
  const unmet = unmetRequirements(space, reservation);
  if (unmet.length > 0) {
    throw new ConflictError(ReservationCode.UnmetSafetyRequirements, `The space has no verification of ${unmet.join(', ')} valid until the reservation ends (an owner's claims do not count)`);
  }
}

/** Requirements no verified certification covers through the reservation's end (owners' claims never count). */
function unmetRequirements(space: Space, { safetyRequirements, endMs }: Times & { safetyRequirements: string[] }): string[] {
  const { verification } = space;
  const verified = verification !== undefined && verification.validUntilMs >= endMs ? verification.certifications : [];
  return safetyRequirements.filter((requirement) => !verified.includes(requirement));
}

export function requireBooker(party: Party, bookerKey: string): void {
  if (party.key !== bookerKey) throw new HttpError(403, ReservationCode.NotYourReservation, 'Only the booker may do this with the reservation');
}

export function requireOwner(party: Party, space: Space | undefined): void {
  if (space === undefined || party.key !== space.ownerKey) throw new HttpError(403, ReservationCode.NotYourSpace, "Only the space's owner may do this with its reservations");
}
