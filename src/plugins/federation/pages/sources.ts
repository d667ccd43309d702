/**
 * The console pages' sources read from the plugin's services: the rows hold only what the pages
 * show (a peer's credentials never leave the registry), the lag of every subscription is measured
 * against one read of the feed's head.
 */
import type { StatementReader } from '../../../plugin-api';
import type { DeadLetter, Peer } from '../model';
import type { DeadLetters } from '../outbound/dead-letters';
import type { Subscription } from '../outbound/records';
import type { Subscriptions } from '../outbound/subscriptions';
import { progressOf } from '../pull/cursor';
import type { PullSources } from '../pull/sources';
import type { PullFilters, PullSource } from '../pull/records';
import type { BreakerSnapshot } from '../remote/breaker';
import { agentText } from './parts';
import type { BreakerView, DeadLetterRow, FederationConsoleSources, PeerRow, PullRow, SubscriptionRow } from './views';

/** Pull sources shown on the overview. */
export const PULLS_SHOWN = 200;

export interface FederationServices {
  peers: { list(): Promise<Peer[]> };
  subscriptions: Pick<Subscriptions, 'list' | 'retrying'>;
  /** The peer's circuit breaker in this process (the delivery job's). */
  breakerOf(peer: string): BreakerSnapshot;
  statements: Pick<StatementReader, 'feedHead'>;
  pulls: Pick<PullSources, 'list'>;
  deadLetters: Pick<DeadLetters, 'list' | 'count' | 'replay' | 'replayAll'>;
  now?: () => number;
}

export function federationConsoleSources(services: FederationServices): FederationConsoleSources {
  const { deadLetters } = services;
  const now = services.now ?? Date.now;
  return {
    overview: async () => {
      const [peers, subscriptions, pulls, waiting] = await Promise.all([services.peers.list(), subscriptionRows(services), services.pulls.list({}, PULLS_SHOWN), deadLetters.count()]);
      return { peers: peers.map(peerRow), subscriptions, pulls: pulls.map((source) => pullRow(source, now())), deadLetters: waiting };
    },
    deadLetters: async (limit, peer) => (await deadLetters.list({ limit, ...(peer !== undefined && { peer }) })).map(letterRow),
    replay: async (id) => {
      await deadLetters.replay(id);
    },
    replayAll: async (peer) => {
      const { replayed, failed } = await deadLetters.replayAll({ peer });
      return { replayed, failed: failed.length };
    },
  };
}

function peerRow({ slug, name, kind, endpoint }: Peer): PeerRow {
  return { slug, name, kind, ...(endpoint !== undefined && { endpoint }) };
}

async function subscriptionRows({ subscriptions, statements, breakerOf }: FederationServices): Promise<SubscriptionRow[]> {
  const [list, head] = await Promise.all([subscriptions.list(), statements.feedHead()]);
  return Promise.all(
    list.map(async (subscription: Subscription) => ({
      id: subscription.id,
      peer: subscription.peer,
      filters: subscription.filters,
      state: subscription.state,
      lag: Math.max(0, head - subscription.cursor),
      retrying: await subscriptions.retrying(subscription.id),
      breaker: breakerView(breakerOf(subscription.peer)),
    })),
  );
}

function breakerView({ state, retryAt }: BreakerSnapshot): BreakerView {
  return { state, ...(retryAt !== undefined && { openUntil: new Date(retryAt).toISOString() }) };
}

function pullRow(source: PullSource, nowMs: number): PullRow {
  const { through, fraction } = progressOf(source, nowMs);
  return {
    id: source.id,
    peer: source.peer,
    filters: pullFilterTexts(source.filters),
    state: source.state,
    received: source.counts.received,
    refused: source.counts.refused,
    progress: { ...(through !== undefined && { through }), fraction },
    caughtUp: source.caughtUp,
    ...(source.lastError !== undefined && { lastError: source.lastError }),
    updatedAt: source.updatedAt,
  };
}

/** A pull's GET parameters as text: the agent by its identifier, flags as true/false. */
function pullFilterTexts(filters: PullFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).map(([name, value]) => [name, name === 'agent' ? agentText(value as object) : String(value)]));
}

function letterRow({ id, direction, peer, statementId, attempts, status, body, reason, parkedAt }: DeadLetter): DeadLetterRow {
  return { id, direction, peer, attempts, reason, parkedAt, ...(statementId !== undefined && { statementId }), ...(status !== undefined && { status }), ...(body !== undefined && { body }) };
}
