/** Availability (docs/marketplace.md): weekly plans in a space's IANA zone, their open time, and free timeslots. */
export { INVALID_AVAILABILITY, MAX_EXCEPTIONS, MAX_WEEKLY_RULES, parseAvailabilityPlan, parseTimeZone } from './plan';
export { isOpenThroughout, mergeIntervals, openIntervals, subtractIntervals } from './expand';
export { clipIntervals } from './intervals';
export { formatInstant, parseInstant } from './instants';
export { DEFAULT_WINDOW_DAYS, freeIntervals, MAX_WINDOW_DAYS, timeslotRoutes, type TimeslotRoutesOptions, type Timeslots } from './timeslots';
