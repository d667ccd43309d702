/**
 * The federation console pages in the whole LRS (its console sign-in, sessions and CSRF) with
 * in-memory stand-ins of the services: fixed peers, subscriptions and pulls, dead letters that a
 * replay marks replayed, and a record of what the forms asked for (console.test.ts,
 * console.browser.test.ts). Named `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import { Router } from 'express';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import type { LoadedPlugin } from '../../../platform/plugins/load';
import { ConflictError, definePlugin, NotFoundError } from '../../../plugin-api';
import { FEDERATION_CONSOLE_SECTION, federationConsole } from './routes';
import type { DeadLetterRow, FederationConsoleSources, FederationOverview } from './views';

export const PUSHED_ID = '0b6f1a52-3c1d-4e8f-9a7b-5c2d1e0f9a8b';
export const PULLED_ID = '1c7f2b63-4d2e-4f90-8b8c-6d3e2f1a0b9c';
export const LETTER_IDS = ['7a2d3e4f-5c6b-4d7e-9f80-91a2b3c4d5e6', '8b3e4f50-6d7c-4e8f-a091-a2b3c4d5e6f7', '9c4f5061-7e8d-4f90-b1a2-b3c4d5e6f708'] as const;
export const OTHER_ID = '2d8a3c74-5e3f-4a01-9c9d-7e4f3a2b1c0d';
export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

export function overview(): FederationOverview {
  return {
    peers: [
      { slug: 'north', name: 'North University', kind: 'keiko', endpoint: 'https://north.example/xapi' },
      { slug: 'locker', name: 'Learning Locker', kind: 'xapi', endpoint: 'https://ll.example/data/xAPI' },
      { slug: 'canvas', name: 'Canvas', kind: 'caliper' },
    ],
    subscriptions: [
      {
        id: 's1',
        peer: 'north',
        filters: { verbs: ['http://adlnet.gov/expapi/verbs/completed', 'http://adlnet.gov/expapi/verbs/passed'], agents: [{ mbox: 'mailto:ana@example.org' }, { account: { homePage: 'https://canvas.example', name: '42' } }] },
        state: 'active',
        lag: 1234,
        retrying: 3,
        breaker: { state: 'open', openUntil: '2027-03-10T10:00:30.000Z' },
      },
      { id: 's2', peer: 'locker', filters: {}, state: 'paused', lag: 0, retrying: 0, breaker: { state: 'closed' } },
    ],
    pulls: [
      { id: 'p1', peer: 'locker', filters: { verb: 'http://adlnet.gov/expapi/verbs/completed' }, state: 'active', received: 10500, refused: 2, progress: { through: '2027-03-09T08:00:00.000Z', fraction: 0.4236 }, caughtUp: false, lastError: { at: '2027-03-10T09:59:00.000Z', reason: 'the peer answered 503' }, updatedAt: '2027-03-10T09:59:00.000Z' },
      { id: 'p3', peer: 'north', filters: { agent: 'mailto:ana@example.org', related_agents: 'true' }, state: 'paused', received: 0, refused: 0, progress: { fraction: 0 }, caughtUp: false, updatedAt: '2027-03-10T09:57:00.000Z' },
      { id: 'p2', peer: 'north', filters: {}, state: 'active', received: 0, refused: 0, progress: { fraction: 1 }, caughtUp: true, updatedAt: '2027-03-10T09:58:00.000Z' },
    ],
    deadLetters: 3,
  };
}

export function deadLetters(): DeadLetterRow[] {
  return [
    { id: LETTER_IDS[0], direction: 'push', peer: 'north', statementId: PUSHED_ID, attempts: 5, status: 400, body: '{"code":"INVALID_STATEMENT"}', reason: 'the remote refused it: 400 INVALID_STATEMENT', parkedAt: '2027-03-10T09:00:00.000Z' },
    { id: LETTER_IDS[1], direction: 'pull', peer: 'locker', statementId: PULLED_ID, attempts: 1, status: 409, reason: 'a different statement is stored under this id here', parkedAt: '2027-03-10T08:00:00.000Z' },
    { id: LETTER_IDS[2], direction: 'push', peer: 'north', statementId: OTHER_ID, attempts: 5, reason: 'the peer did not answer', parkedAt: '2027-03-10T07:00:00.000Z' },
  ];
}

/** What the forms asked the services for. */
export interface Calls {
  replayed: string[];
  replayedAll: string[];
}

/** Letters waiting in `letters`; a replay takes them out, as the dead letters service does. */
export function standInSources(letters: DeadLetterRow[], calls: Calls): FederationConsoleSources {
  const replayed = new Set<string>();
  const waiting = () => letters.filter((letter) => !replayed.has(letter.id));
  return {
    overview: async () => overview(),
    deadLetters: async (limit, peer) => waiting().filter((letter) => peer === undefined || letter.peer === peer).slice(0, limit),
    replay: async (id) => {
      if (!letters.some((letter) => letter.id === id)) throw new NotFoundError(`No dead letter ${id}`, 'DEAD_LETTER_NOT_FOUND');
      if (replayed.has(id)) throw new ConflictError('DEAD_LETTER_REPLAYED', `Dead letter ${id} was replayed already`);
      calls.replayed.push(id);
      replayed.add(id);
    },
    replayAll: async (peer) => {
      calls.replayedAll.push(peer);
      const ofPeer = waiting().filter((letter) => letter.peer === peer);
      for (const letter of ofPeer) replayed.add(letter.id);
      return { replayed: ofPeer.length, failed: 0 };
    },
  };
}

/** A plugin named `federation` holding only the console pages, over `sources`. */
export function consolePagesPlugin(sources: FederationConsoleSources): LoadedPlugin {
  return {
    plugin: definePlugin({
      manifest: { name: 'federation', version: '0.0.0', description: 'The federation console pages over stand-ins (a test plugin)', profiles: [], scopes: {}, stores: {}, jobs: [] },
      setup: (context) => ({ routes: Router().use('/console', federationConsole({ console: context.console, sources })), console: [FEDERATION_CONSOLE_SECTION] }),
    }),
    folder: __dirname,
    settings: undefined,
  };
}

export interface StandInConsole {
  lrs: TestLrs;
  letters: DeadLetterRow[];
  calls: Calls;
}

/** The whole LRS with the console pages over stand-ins: `letters` are the dead letters, which replays change. */
export async function standInConsole(letters = deadLetters()): Promise<StandInConsole> {
  const calls: Calls = { replayed: [], replayedAll: [] };
  const lrs = await createTestLrs({}, [consolePagesPlugin(standInSources(letters, calls))]);
  return { lrs, letters, calls };
}
