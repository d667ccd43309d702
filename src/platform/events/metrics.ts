import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../logger';
import type { EventDelivery, SubscriberStatus } from './delivery';

/**
 * Adds to `registry` the gauges of event delivery, read from the stores at each scrape:
 * `keiko_plugin_events_lag{plugin}` (feed positions still to deliver) and
 * `keiko_plugin_events_parked{plugin}` (events parked until replayed).
 */
export function registerEventMetrics(registry: Registry, delivery: EventDelivery, logger: Logger): void {
  const gauge = (name: string, help: string, value: (status: SubscriberStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['plugin'] as const,
      registers: [registry],
      async collect() {
        let statuses: SubscriberStatus[];
        try {
          statuses = await delivery.status();
        } catch (error) {
          logger.warn({ err: error }, `could not read event delivery status for ${name}`);
          return;
        }
        this.reset();
        for (const status of statuses) this.set({ plugin: status.name }, value(status));
      },
    });
  gauge('keiko_plugin_events_lag', 'Feed positions after the checkpoint of each plugin: statements still to deliver (an upper bound)', (status) => status.lag);
  gauge('keiko_plugin_events_parked', 'Events parked after every retry failed, per plugin, until replayed', (status) => status.parked);
}
