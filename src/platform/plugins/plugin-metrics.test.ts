import { Registry } from 'prom-client';
import { pluginMetrics } from './plugin-metrics';

describe('pluginMetrics', () => {
  it('registers gauges and counters named under keiko_plugin_<name>_ on the registry', async () => {
    const registry = new Registry();
    const metrics = pluginMetrics('word-count', registry);
    metrics.gauge({ name: 'keiko_plugin_word_count_words', help: 'Words', labelNames: ['kind'], collect: () => [{ labels: { kind: 'noun' }, value: 4 }] });
    metrics.counter({ name: 'keiko_plugin_word_count_errors_total', help: 'Errors' }).inc();
    const text = await registry.metrics();
    expect(text).toContain('keiko_plugin_word_count_words{kind="noun"} 4');
    expect(text).toContain('keiko_plugin_word_count_errors_total 1');
  });

  it.each(['keiko_http_requests_total', 'keiko_plugin_other_words', 'keiko_plugin_word_count_Words'])('refuses the name %s, naming the plugin', (name) => {
    const metrics = pluginMetrics('word-count', new Registry());
    expect(() => metrics.counter({ name, help: 'x' })).toThrow(/word-count.*keiko_plugin_word_count_<snake_case>/s);
  });
});
