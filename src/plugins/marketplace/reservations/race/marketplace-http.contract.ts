/**
 * The marketplace over HTTP as the race's clients use it (fetch, no supertest: the LRS runs in
 * other processes): credentials the admin makes, spaces registered, open every day and verified
 * through the spaces' routes, holds and confirmations, and the statements the plugin recorded.
 */
import { recordedByPlugin, type StoredStatement } from '../../../../plugin-api';
import { SLOT_MS } from '../../model';
import { VERB } from '../../vocabulary';
import type { Attempt } from './attempts.contract';
import type { RecordedStep } from './bookings.contract';
import { basic } from './race-cluster.contract';

const ROUTES = '/plugins/marketplace';
const XAPI_HEADERS = { 'X-Experience-API-Version': '1.0.3' };

export interface Answer {
  status: number;
  body: any;
}

export async function call(url: string, method: string, authorization: string, body?: unknown): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: { Authorization: authorization, ...(body !== undefined && { 'Content-Type': 'application/json' }), ...XAPI_HEADERS },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function expectAnswer(answer: Promise<Answer>, status: number, what: string): Promise<any> {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`${what}: expected ${status}, got ${got} ${JSON.stringify(body)}`);
  return body;
}

/** A credential holding `scopes`, as the Authorization header. */
export async function credential(baseUrl: string, admin: string, scopes: string[], name: string): Promise<string> {
  const { key, secret } = await expectAnswer(call(`${baseUrl}/admin/credentials`, 'POST', admin, { name, scopes }), 201, `credential ${name}`);
  return basic(key, secret);
}

/** The Agent client `client` books as. */
export function clientAgent(client: number) {
  return { objectType: 'Agent', name: `Race client ${client}`, mbox: `mailto:client-${client}@race.example` };
}

/** An all-day, every-day weekly plan in UTC: every slot of the race is inside published availability. */
export const ALWAYS_OPEN = { timeZone: 'UTC', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '00:00', durationMinutes: 1440 }] };

export interface RaceSpaces {
  spaceIds: string[];
  /** The spaces' owner: a credential acting as its own authority (no `actor`), so that it may also GET their reservations. */
  owner: string;
}

/** `count` spaces registered by one owner, open always, verified until a year from now. */
export async function openSpaces(baseUrl: string, admin: string, count: number): Promise<RaceSpaces> {
  const owner = await credential(baseUrl, admin, ['plugins/marketplace/list', 'plugins/marketplace/book'], 'race owner');
  const verifier = await credential(baseUrl, admin, ['plugins/marketplace/verify'], 'race verifier');
  const spaceIds: string[] = [];
  for (let index = 0; index < count; index++) {
    const space = await expectAnswer(call(`${baseUrl}${ROUTES}/spaces`, 'POST', owner, listing(index)), 201, `space ${index}`);
    await expectAnswer(call(`${baseUrl}${ROUTES}/spaces/${space.id}/availability`, 'PUT', owner, ALWAYS_OPEN), 200, `availability of ${space.id}`);
    const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString();
    await expectAnswer(call(`${baseUrl}${ROUTES}/spaces/${space.id}/verification`, 'POST', verifier, { certifications: ['first-aid'], accessibilityFeatures: [], childSafe: true, validUntil }), 200, `verification of ${space.id}`);
    spaceIds.push(space.id as string);
  }
  return { spaceIds, owner };
}

/** The race spaces' hourly rate, in euro cents. */
export const HOURLY_RATE_MINOR = 1250;

function listing(index: number) {
  return {
    name: { en: `Race room ${index}` },
    address: { street: `Calle ${index}`, locality: 'Madrid', country: 'ES', latitude: 40.4 + index / 1000, longitude: -3.7 },
    capacity: 10,
    hourlyRate: { amountMinor: HOURLY_RATE_MINOR, currency: 'EUR' },
    timeZone: 'UTC',
  };
}

/** POST /reservations for the attempt, as its client's Agent (the same body on a retry). */
export function hold(baseUrl: string, booker: string, attempt: Attempt): Promise<Answer> {
  return call(`${baseUrl}${ROUTES}/reservations`, 'POST', booker, {
    id: attempt.id,
    actor: clientAgent(attempt.client),
    spaceId: attempt.spaceId,
    start: new Date(attempt.startMs).toISOString(),
    end: new Date(attempt.endMs).toISOString(),
    participants: 1,
  });
}

export function confirm(baseUrl: string, booker: string, attempt: Attempt): Promise<Answer> {
  return call(`${baseUrl}${ROUTES}/reservations/${attempt.id}/confirm`, 'POST', booker, { actor: clientAgent(attempt.client) });
}

export function reservation(baseUrl: string, authorization: string, id: string): Promise<Answer> {
  return call(`${baseUrl}${ROUTES}/reservations/${id}`, 'GET', authorization);
}

/** Every statement of the reservations' verbs the plugin recorded (its authority), following `more`. */
export async function recordedReservationSteps(baseUrl: string, admin: string): Promise<RecordedStep[]> {
  const verbs = [VERB.held, VERB.updated, VERB.confirmed, VERB.cancelled, VERB.rejected, VERB.holdExpired];
  const steps: RecordedStep[] = [];
  for (const verb of verbs) {
    let next: string | undefined = `/xapi/statements?verb=${encodeURIComponent(verb)}&limit=100`;
    while (next) {
      const page = await expectAnswer(call(`${baseUrl}${next}`, 'GET', admin), 200, `statements ${next}`);
      steps.push(...(page.statements as StoredStatement[]).filter((statement) => recordedByPlugin(statement, 'marketplace')).map((statement) => statement as unknown as RecordedStep));
      next = page.more || undefined;
    }
  }
  return steps;
}

/** The whole slots an attempt wants, for messages. */
export function describeAttempt(attempt: Attempt): string {
  return `${attempt.id} (target ${attempt.target}, ${new Date(attempt.startMs).toISOString()} +${(attempt.endMs - attempt.startMs) / SLOT_MS} slots)`;
}
