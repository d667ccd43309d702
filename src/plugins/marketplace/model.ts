/**
 * The marketplace plugin's shared records (docs/marketplace.md): what its stores hold and what its
 * services answer one another. Instants are milliseconds since the epoch (`…Ms`); a reservation's
 * times are whole slots of SLOT_MINUTES.
 */
import type { Agent } from '../../plugin-api';

/** An Agent's IFI key (`ifiKey` of the plugin API). */
export type AgentKey = string;

/** Claims of a space's time are whole slots of this many minutes, aligned on the epoch (every IANA offset in use is a multiple). */
export const SLOT_MINUTES = 15;
export const SLOT_MS = SLOT_MINUTES * 60_000;

/** Money in minor units (cents) of an ISO 4217 currency. */
export interface Money {
  amountMinor: number;
  currency: string;
}

export interface Address {
  street: string;
  locality: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  latitude: number;
  longitude: number;
}

/** One weekly rule of a plan: occurrences of `rrule` (FREQ=WEEKLY…) at local `start` (HH:MM), lasting `durationMinutes`. */
export interface WeeklyRule {
  rrule: string;
  start: string;
  durationMinutes: number;
}

/** A local-time exception to the weekly rules: closed (removes time) or open (adds time). */
export interface AvailabilityException {
  /** RFC 3339 with an offset. */
  from: string;
  to: string;
  kind: 'closed' | 'open';
}

/** A space's published availability, in its IANA time zone (the profile's availability extension). */
export interface AvailabilityPlan {
  timeZone: string;
  weekly: WeeklyRule[];
  exceptions?: AvailabilityException[];
}

/** A half-open interval [start, end) of instants. */
export interface Interval {
  startMs: number;
  endMs: number;
}

/** What a space verifier asserted (the profile's verification extension), with who and until when. */
export interface Verification {
  certifications: string[];
  accessibilityFeatures: string[];
  childSafe: boolean;
  validUntilMs: number;
  verifier: AgentKey;
  statementId: string;
}

/**
 * A space as the other features read it (SpaceDirectory.space): the owner's listing, the owner's
 * claims, and what a verifier asserted (only `verification` counts for safety and accessibility;
 * it no longer counts once `validUntilMs` passed).
 */
export interface Space {
  id: string;
  /** Activity id: spaceIri(publicUrl, id). */
  iri: string;
  owner: Agent;
  ownerKey: AgentKey;
  name: Record<string, string>;
  description?: Record<string, string>;
  address: Address;
  capacity: number;
  amenities: string[];
  claimedCertifications: string[];
  claimedAccessibilityFeatures: string[];
  hourlyRate: Money;
  timeZone: string;
  /** Undefined until the owner publishes one: nothing can be booked then. */
  availability?: AvailabilityPlan;
  verification?: Verification;
  /** Closed by its owner (still shown to past bookers, never searched or booked). */
  closed?: boolean;
  registeredMs: number;
  updatedMs: number;
}

/** Who asks (the plugin API's Party). */
export type { Party } from '../../plugin-api';

export type ReservationState = 'claiming' | 'held' | 'confirmed' | 'attended' | 'cancelled' | 'rejected' | 'expired';

/** What reservations answer about one (GET /plugins/marketplace/reservations/:id, pages). */
export interface ReservationView {
  id: string;
  spaceId: string;
  state: ReservationState;
  booker: Agent;
  bookerKey: AgentKey;
  /** RFC 3339 in the space's time zone. */
  start: string;
  end: string;
  participants: number;
  safetyRequirements: string[];
  price: Money;
  /** While held. */
  holdExpiresAt?: string;
  /** The statements recording each step, oldest first. */
  statementIds: string[];
}

/** What the reservations feature tells others (ratings, search, pages). */
export interface ReservationLookup {
  reservation(id: string): Promise<ReservationView | undefined>;
  /** Whether the Agent (key) booked or attended a reservation of the space that was attended. */
  attendedSpace(agentKey: AgentKey, spaceId: string): Promise<boolean>;
  /** Live claims (held or confirmed) of the spaces in [fromMs, toMs), merged per space. */
  busy(spaceIds: string[], fromMs: number, toMs: number): Promise<Map<string, Interval[]>>;
  /** The reservations a party booked, newest first (at most `limit`). */
  bookedBy(agentKey: AgentKey, limit: number): Promise<ReservationView[]>;
  /** The reservations of a space overlapping [fromMs, toMs), for its owner's page. */
  ofSpace(spaceId: string, fromMs: number, toMs: number): Promise<ReservationView[]>;
}

/** Averages and distributions of a space's ratings (GET …/spaces/:id/ratings, search order, pages). */
export interface RatingSummary {
  count: number;
  /** Means to two decimals, null without ratings. */
  overall: number | null;
  safety: number | null;
  cleanliness: number | null;
  accessibility: number | null;
  /** Ratings per score 1..5 (index 0 = score 1), per dimension. */
  distribution: { overall: number[]; safety: number[]; cleanliness: number[]; accessibility: number[] };
}

/** Spaces as the other features read them (the spaces feature's SpaceDirectory). */
export interface SpaceLookup {
  space(id: string): Promise<Space | undefined>;
  spaces(ids: string[]): Promise<Map<string, Space>>;
}

/** Rating summaries by space (the ratings feature's SpaceRatings): spaces without ratings are absent. */
export interface RatingSummaries {
  summaries(spaceIds: string[]): Promise<Map<string, RatingSummary>>;
}
