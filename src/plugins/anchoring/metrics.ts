import type { PluginCounter, PluginMetrics, StatementReader } from '../../plugin-api';
import type { AnchorBatchStore } from './batches/anchor-batch-store';

/**
 * The anchoring metrics at /metrics: batches by state, statements stored but not yet anchored, when
 * the last batch was anchored (gauges read from the store at each scrape, so they agree across
 * instances), and the failures of this instance (a counter, returned for the job to increment).
 */
export function registerAnchoringMetrics(
  metrics: PluginMetrics,
  batches: AnchorBatchStore,
  statements: Pick<StatementReader, 'feedHead'>,
): PluginCounter {
  metrics.gauge({
    name: 'keiko_plugin_anchoring_batches',
    help: 'Anchor batches by state (recorded, sent, anchored)',
    labelNames: ['state'],
    collect: async () => Object.entries(await batches.countByState()).map(([state, value]) => ({ labels: { state }, value })),
  });
  metrics.gauge({
    name: 'keiko_plugin_anchoring_pending_statements',
    help: 'Statements stored after the last anchored batch (feed head minus its last position)',
    collect: async () => [{ value: await pendingStatements(batches, statements) }],
  });
  metrics.gauge({
    name: 'keiko_plugin_anchoring_last_anchored_timestamp_seconds',
    help: 'When the newest anchored batch was found anchored, in Unix seconds (0 before the first)',
    collect: async () => [{ value: ((await lastAnchoredAt(batches))?.getTime() ?? 0) / 1000 }],
  });
  return metrics.counter({
    name: 'keiko_plugin_anchoring_failures_total',
    help: 'Anchoring steps that failed on this instance since it started (RPC errors, reverted or vanished transactions)',
  });
}

/** Statements stored after the last anchored batch: the feed head minus that batch's last position. */
export async function pendingStatements(batches: AnchorBatchStore, statements: Pick<StatementReader, 'feedHead'>): Promise<number> {
  const [head, anchored] = await Promise.all([statements.feedHead(), batches.latestAnchored()]);
  return Math.max(0, head - (anchored?.last.position ?? 0));
}

/** When the newest anchored batch was found anchored (when it was recorded, for batches anchored before that was kept). */
export async function lastAnchoredAt(batches: AnchorBatchStore): Promise<Date | undefined> {
  const anchored = await batches.latestAnchored();
  return anchored === undefined ? undefined : (anchored.anchoredAt ?? anchored.recordedAt);
}
