/**
 * The marketplace pages on a small app around the web shell, with in-memory stand-ins of the
 * services that record what the pages' forms send them (forms.test.ts, pages.stand-ins.browser.test.ts).
 * Named `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import type { Express } from 'express';
import { pluginPagesTestApp } from '../../../../test-support/web-pages';
import { ConflictError } from '../../../plugin-api';
import type { Acting } from '../acting';
import type { Interval, RatingSummary, ReservationView, Space } from '../model';
import { marketplacePages, type MarketplacePagesOptions } from './routes';

// Friday 2027-03-26, 11:00 in Madrid; the clocks move forward on Sunday the 28th.
export const NOW = Date.parse('2027-03-26T10:00:00Z');
export const SPACE_ID = '0b6f1a52-3c1d-4e8f-9a7b-5c2d1e0f9a8b';
export const OTHER_SPACE_ID = '1c7f2b63-4d2e-4f90-8b8c-6d3e2f1a0b9c';
export const RESERVATION_ID = '6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5';
export const ATTENDED_ID = '7a2d3e4f-5c6b-4d7e-9f80-91a2b3c4d5e6';
export const REPORT_ID = '3b0f3b1e-5d0a-4a86-9d7c-2b1f4c6e8a90';
export const SUMMARY: RatingSummary = {
  count: 3,
  overall: 4.33,
  safety: 5,
  cleanliness: 4,
  accessibility: 3.67,
  distribution: { overall: [0, 0, 0, 2, 1], safety: [0, 0, 0, 0, 3], cleanliness: [0, 0, 0, 3, 0], accessibility: [0, 0, 1, 2, 0] },
};
export const REVIEWS = [
  { raterName: 'Luis Pérez', review: 'Bright and quiet.', overall: 5, at: '2027-03-13T09:00:00Z' },
  { overall: 4, at: '2027-03-10T09:00:00Z' },
];
export const ANA = { objectType: 'Agent' as const, name: 'Ana García', mbox: 'mailto:ana@example.org' };

export function space(overrides: Partial<Space> = {}): Space {
  return {
    id: SPACE_ID,
    iri: `https://lrs.example/plugins/marketplace/spaces/${SPACE_ID}`,
    owner: { objectType: 'Agent', name: 'Olga Dueña', mbox: 'mailto:olga@example.org' },
    ownerKey: 'mbox:mailto:olga@example.org',
    name: { en: 'Sunny Room', es: 'Aula Sol' },
    address: { street: 'Calle Mayor 1', locality: 'Madrid', country: 'ES', latitude: 40.4168, longitude: -3.7038 },
    capacity: 12,
    amenities: ['projector'],
    claimedCertifications: ['first-aid-kit', 'fire-safety'],
    claimedAccessibilityFeatures: ['hearing-loop'],
    hourlyRate: { amountMinor: 1250, currency: 'EUR' },
    timeZone: 'Europe/Madrid',
    availability: { timeZone: 'Europe/Madrid', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '09:00', durationMinutes: 240 }] },
    verification: {
      certifications: ['fire-safety'],
      accessibilityFeatures: ['step-free-access'],
      childSafe: true,
      validUntilMs: Date.parse('2027-12-31T23:59:59Z'),
      verifier: 'mbox:mailto:vera@example.org',
      statementId: 'a0000000-0000-4000-8000-000000000001',
    },
    registeredMs: NOW - 86_400_000,
    updatedMs: NOW - 86_400_000,
    ...overrides,
  };
}

export function reservation(overrides: Partial<ReservationView> = {}): ReservationView {
  return {
    id: RESERVATION_ID,
    spaceId: SPACE_ID,
    state: 'held',
    booker: ANA,
    bookerKey: 'mbox:mailto:ana@example.org',
    start: '2027-03-29T09:00:00+02:00',
    end: '2027-03-29T11:00:00+02:00',
    participants: 8,
    safetyRequirements: [],
    price: { amountMinor: 2500, currency: 'EUR' },
    holdExpiresAt: '2027-03-26T11:10:00+01:00',
    statementIds: [],
    ...overrides,
  };
}

/** What the stand-ins were asked, by method. */
export type Calls = Record<string, unknown[][]>;

function services(spaces: Space[], calls: Calls, busy: Interval[], mine: ReservationView): Omit<MarketplacePagesOptions, 'acting' | 'people' | 'now'> {
  const record =
    <T>(name: string, answer: (...args: any[]) => T) =>
    async (...args: any[]) => {
      (calls[name] ??= []).push(args);
      return answer(...args);
    };
  const byId = new Map(spaces.map((item) => [item.id, item]));
  return {
    directory: {
      space: async (id) => byId.get(id),
      spaces: async (ids) => new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : []))),
      register: record('register', () => space({ id: OTHER_SPACE_ID })),
      publishAvailability: record('publishAvailability', () => undefined),
      verify: record('verify', () => undefined),
      withdraw: record('withdraw', () => undefined),
      ownedBy: async () => spaces,
      verificationQueue: async () => spaces,
    },
    search: { search: record('search', () => ({ results: spaces.map((item, index) => ({ space: item, distanceKm: 1.25 + index, rating: undefined })), more: 'next' })) },
    reservations: {
      reservation: async (id) => (id === RESERVATION_ID ? mine : id === OTHER_SPACE_ID ? reservation({ id, bookerKey: 'mbox:mailto:someone@example.org' }) : undefined),
      busy: async (ids) => new Map(ids.map((id) => [id, busy])),
      attendedSpace: async (_key, spaceId) => spaceId === SPACE_ID,
      bookedBy: async () => [reservation(), reservation({ id: ATTENDED_ID, state: 'attended', start: '2027-03-12T16:00:00+01:00', end: '2027-03-12T18:00:00+01:00' })],
      ofSpace: async () => [reservation({ state: 'confirmed' })],
      hold: record('hold', () => reservation()),
      confirm: record('confirm', () => reservation({ state: 'confirmed' })),
      modify: record('modify', () => reservation({ state: 'confirmed' })),
      cancel: record('cancel', () => reservation({ state: 'cancelled' })),
      reject: record('reject', () => reservation({ state: 'rejected' })),
      markAttended: record('markAttended', () => reservation({ state: 'attended' })),
    },
    ratings: {
      summaries: async (ids) => new Map(ids.filter((id) => id === SPACE_ID).map((id) => [id, SUMMARY])),
      ratingsOf: async (id) => (id === SPACE_ID ? REVIEWS : []),
      rate: record('rate', () => undefined),
      report: record('report', () => undefined),
      reports: async () => [{ id: REPORT_ID, spaceId: SPACE_ID, spaceName: { en: 'Sunny Room', es: 'Aula Sol' }, category: 'safety', description: 'The fire exit was locked.', filed: '2027-03-20T10:00:00Z' }],
      resolve: record('resolve', (_party: unknown, id: string) => {
        if (id !== REPORT_ID) throw new ConflictError('REPORT_ALREADY_RESOLVED', `Report ${id} was resolved already`);
      }),
    },
  };
}

/** The pages behind the web shell (pluginPagesTestApp: `x-test-roles` signs Ana in). `mine`: the reservation RESERVATION_ID (held by default). */
export function pagesApp(spaces: Space[], calls: Calls, busy: Interval[] = [], mine = reservation()): Express {
  return pluginPagesTestApp(
    (app, people) => {
      const acting = { people, publicUrl: 'https://lrs.example' } as unknown as Acting;
      app.use('/plugins/marketplace', marketplacePages({ ...services(spaces, calls, busy, mine), acting, people: people as never, now: () => NOW }));
    },
    { nowMs: NOW, mbox: ANA.mbox },
  );
}

