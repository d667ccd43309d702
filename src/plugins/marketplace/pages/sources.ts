/**
 * What the pages use of each feature's service (SpaceDirectory, SpaceSearch, Reservations,
 * SpaceRatings), typed here by what the pages call so that the pages depend on no more.
 */
import type { SpaceQuery } from '../search';
import type { Party, RatingSummary, ReservationLookup, ReservationView, Space, SpaceLookup } from '../model';

export interface DirectoryForPages extends SpaceLookup {
  register(party: Party, input: unknown): Promise<Space>;
  publishAvailability(party: Party, id: string, input: unknown): Promise<unknown>;
  verify(party: Party, id: string, input: unknown): Promise<unknown>;
  withdraw(party: Party, id: string, reason: string): Promise<unknown>;
  ownedBy(agentKey: string): Promise<Space[]>;
  verificationQueue(options?: { limit?: number }): Promise<Space[]>;
}

export interface SearchResult {
  space: Space;
  distanceKm: number;
  rating: RatingSummary | undefined;
}

export interface SearchForPages {
  /** `more` is there when another page of results follows. */
  search(query: SpaceQuery): Promise<{ results: SearchResult[]; more?: string }>;
}

export interface ReservationsForPages extends Pick<ReservationLookup, 'reservation' | 'attendedSpace' | 'busy' | 'bookedBy' | 'ofSpace'> {
  hold(party: Party, input: unknown): Promise<ReservationView>;
  confirm(party: Party, id: string): Promise<ReservationView>;
  modify(party: Party, id: string, input: unknown): Promise<ReservationView>;
  cancel(party: Party, id: string, reason?: string): Promise<ReservationView>;
  reject(party: Party, id: string, reason: string): Promise<ReservationView>;
  markAttended(party: Party, id: string): Promise<ReservationView>;
}

/** One rating as the space page lists it. */
export interface ReviewForPages {
  raterName?: string;
  review?: string;
  overall: number;
  /** RFC 3339. */
  at: string;
}

/** An open report as the verifiers' queue lists it. */
export interface ReportForPages {
  id: string;
  spaceId: string;
  spaceName?: Record<string, string>;
  category: string;
  description: string;
  /** RFC 3339. */
  filed: string;
}

export interface RatingsForPages {
  summaries(spaceIds: string[]): Promise<Map<string, RatingSummary>>;
  ratingsOf(spaceId: string, limit: number): Promise<ReviewForPages[]>;
  rate(party: Party, spaceId: string, input: unknown): Promise<unknown>;
  report(party: Party, spaceId: string, input: unknown): Promise<unknown>;
  reports(state: 'open', limit: number): Promise<ReportForPages[]>;
  resolve(party: Party, id: string, note: unknown): Promise<unknown>;
}
