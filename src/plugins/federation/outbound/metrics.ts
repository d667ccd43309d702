/**
 * The push metrics at /metrics (issue 15): statements delivered, refused (each refusal of a
 * statement sent alone) and parked per peer since the process started; each subscription's lag
 * (feed positions after its cursor) and each peer's breaker state, read at each scrape.
 */
import type { PluginMetrics, StatementReader } from '../../../plugin-api';
import type { CircuitBreakers } from '../remote/breaker';
import type { DeliveryCounters } from './delivery';
import type { Subscriptions } from './subscriptions';

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export function registerOutboundMetrics(metrics: PluginMetrics, { subscriptions, statements, breakers }: { subscriptions: Subscriptions; statements: Pick<StatementReader, 'feedHead'>; breakers: CircuitBreakers }): DeliveryCounters {
  const counter = (what: string, help: string) => metrics.counter({ name: `keiko_plugin_federation_statements_${what}_total`, help, labelNames: ['peer'] });
  const delivered = counter('delivered', 'Statements a peer acknowledged (or already held the same), by peer');
  const refused = counter('refused', 'Refusals of a statement sent alone (each try), by peer');
  const parked = counter('parked', 'Statements parked as dead letters, by peer');
  metrics.gauge({
    name: 'keiko_plugin_federation_subscription_lag',
    help: 'Feed positions after a subscription\'s cursor (statements stored since, selected or not)',
    labelNames: ['subscription', 'peer'],
    collect: async () => {
      const [head, all] = await Promise.all([statements.feedHead(), subscriptions.list()]);
      return all.map(({ id, peer, cursor }) => ({ labels: { subscription: id, peer }, value: Math.max(0, head - cursor) }));
    },
  });
  metrics.gauge({
    name: 'keiko_plugin_federation_peer_breaker',
    help: 'The peer\'s circuit breaker in this process: 0 closed, 1 half-open, 2 open',
    labelNames: ['peer'],
    collect: async () => [...new Set((await subscriptions.list()).map(({ peer }) => peer))].map((peer) => ({ labels: { peer }, value: BREAKER_VALUE[breakers.snapshotOf(peer).state] })),
  });
  return {
    delivered: (peer, count) => delivered.inc({ peer }, count),
    refused: (peer) => refused.inc({ peer }),
    parked: (peer) => parked.inc({ peer }),
  };
}
