import { Counter, Gauge, type Registry } from 'prom-client';
import type { MetricDefinition, PluginMetrics } from '../../plugin-api';
import { PluginManifestError } from './manifest';

/** A plugin's metrics, registered on the app's registry under the prefix `keiko_plugin_<name>_`. */
export function pluginMetrics(plugin: string, registry: Registry): PluginMetrics {
  const prefix = `keiko_plugin_${plugin.replace(/-/g, '_')}_`;
  const checked = ({ name, help, labelNames = [] }: MetricDefinition) => {
    if (!name.startsWith(prefix) || !/^[a-z0-9_]+$/.test(name)) {
      throw new PluginManifestError(plugin, 'setup().metrics', `names the metric "${name}"; plugin metrics are named ${prefix}<snake_case>`);
    }
    return { name, help, labelNames, registers: [registry] };
  };
  return {
    gauge: ({ collect, ...definition }) => {
      new Gauge({
        ...checked(definition),
        async collect() {
          const samples = await collect();
          this.reset();
          for (const { labels = {}, value } of samples) this.set(labels, value);
        },
      });
    },
    counter: (definition) => {
      const counter = new Counter(checked(definition));
      return { inc: (labels = {}, amount = 1) => counter.inc(labels, amount) };
    },
  };
}
