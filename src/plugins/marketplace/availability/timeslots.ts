/**
 * GET /plugins/marketplace/spaces/:id/timeslots?from&to (stable route, issue 13 "Availability"): the
 * free time of a space in a window — open by its published plan, not held or booked — as intervals
 * in the space's zone. Nothing before now: a window begun already starts at the next 15-minute
 * boundary, where a reservation could start. A space without a plan, or closed, has no free time.
 */
import { Router } from 'express';
import { BadRequestCode, BadRequestError, NotFoundError, parseUuidParameter, singleParameters } from '../../../plugin-api';
import { requireParty, type Acting } from '../acting';
import { SLOT_MS, type Interval, type ReservationLookup, type Space, type SpaceLookup } from '../model';
import { openIntervals, subtractIntervals } from './expand';
import { formatInstant, parseInstant } from './instants';

export const MAX_WINDOW_DAYS = 93;
export const DEFAULT_WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;
const RESOURCE = 'GET /plugins/marketplace/spaces/:id/timeslots';

export interface TimeslotRoutesOptions {
  spaces: SpaceLookup;
  reservations: Pick<ReservationLookup, 'busy'>;
  acting: Acting;
  now?: () => number;
}

export interface Timeslots {
  spaceId: string;
  timeZone: string;
  from: string;
  to: string;
  slots: Array<{ start: string; end: string }>;
}

export function timeslotRoutes({ spaces, reservations, acting, now = Date.now }: TimeslotRoutesOptions): Router {
  const router = Router();
  router.get('/spaces/:id/timeslots', requireParty(acting, 'book'), async (req, res) => {
    const id = parseUuidParameter('id', String(req.params.id));
    const window = windowOf(singleParameters(req.query, { resource: RESOURCE, optional: ['from', 'to'] }), now());
    const space = await spaces.space(id);
    if (space === undefined) throw new NotFoundError(`No space ${id}`, 'SPACE_NOT_FOUND');
    const free = await freeIntervals(space, reservations, window, now());
    res.json(timeslotsOf(space, window, free));
  });
  return router;
}

/** The space's free time in the window from the next 15-minute boundary after `nowMs` on (empty without a plan, or closed). */
export async function freeIntervals(space: Space, reservations: Pick<ReservationLookup, 'busy'>, window: Interval, nowMs: number): Promise<Interval[]> {
  const startMs = Math.max(window.startMs, Math.ceil(nowMs / SLOT_MS) * SLOT_MS);
  if (space.availability === undefined || space.closed === true || startMs >= window.endMs) return [];
  const busy = await reservations.busy([space.id], startMs, window.endMs);
  return subtractIntervals(openIntervals(space.availability, startMs, window.endMs), busy.get(space.id) ?? []);
}

function timeslotsOf(space: Space, window: Interval, free: Interval[]): Timeslots {
  const zone = space.availability?.timeZone ?? space.timeZone;
  return {
    spaceId: space.id,
    timeZone: zone,
    from: formatInstant(window.startMs, zone),
    to: formatInstant(window.endMs, zone),
    slots: free.map(({ startMs, endMs }) => ({ start: formatInstant(startMs, zone), end: formatInstant(endMs, zone) })),
  };
}

/** from (default now) and to (default 7 days after from): RFC 3339 with an offset, to after from, at most 93 days apart. */
function windowOf(params: Record<string, string | undefined>, nowMs: number): Interval {
  const startMs = params.from === undefined ? nowMs : instantParameter('from', params.from);
  const endMs = params.to === undefined ? startMs + DEFAULT_WINDOW_DAYS * DAY_MS : instantParameter('to', params.to);
  if (endMs <= startMs) throw new BadRequestError(BadRequestCode.InvalidParameter, `to (${params.to}) must be after from`);
  if (endMs - startMs > MAX_WINDOW_DAYS * DAY_MS) throw new BadRequestError(BadRequestCode.InvalidParameter, `from and to may be at most ${MAX_WINDOW_DAYS} days apart`);
  return { startMs, endMs };
}

function instantParameter(name: string, value: string): number {
  // An unencoded + of an offset reaches us as a space (application/x-www-form-urlencoded).
  const instantMs = parseInstant(value.replace(/ (\d{2}:\d{2})$/, '+$1'));
  if (instantMs === undefined) throw new BadRequestError(BadRequestCode.InvalidParameter, `${name} must be an RFC 3339 date-time with its offset, like 2026-06-01T00:00:00+02:00 (got "${value}")`);
  return instantMs;
}
