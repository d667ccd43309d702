import type { Collection, PluginMetrics } from '../../plugin-api';

/**
 * The governance metrics at /metrics, read from the store at each scrape so that every instance
 * agrees: proposals by state, and the open ones past their close and grace that the close job has
 * not decided yet (above 0 for long means the job is stuck or behind: decisions are late).
 */
export function registerGovernanceMetrics(metrics: PluginMetrics, proposals: Collection, closeGraceMs: number, now: () => number = Date.now): void {
  metrics.gauge({
    name: 'keiko_plugin_governance_proposals',
    help: 'Proposals by state (open, closed)',
    labelNames: ['state'],
    collect: async () => Promise.all(['open', 'closed'].map(async (state) => ({ labels: { state }, value: await proposals.count({ state }) }))),
  });
  metrics.gauge({
    name: 'keiko_plugin_governance_overdue_proposals',
    help: 'Open proposals past closesAt plus GOVERNANCE_CLOSE_GRACE_SECONDS, not decided yet',
    collect: async () => [{ value: await proposals.count({ state: 'open', closesAtMs: { lt: now() - closeGraceMs } }) }],
  });
}
