import type { Logger } from '../../logger';
import type { StorageBackend } from '../../storage/backend';
import type { RunningPlugin } from '../plugins/platform';
import { EventDelivery, type EventDeliveryOptions, type EventSubscriber } from './delivery';

/** The event subscribers among set-up plugins: those whose hooks include onEvents. */
export function pluginSubscribers(plugins: RunningPlugin[]): EventSubscriber[] {
  return plugins.flatMap(({ name, onEvents }) => (onEvents === undefined ? [] : [{ name, onEvents }]));
}

/** Event delivery to the plugins with an onEvents hook, on the LRS's storage; not started. */
export function pluginEventDelivery(
  storage: StorageBackend,
  plugins: RunningPlugin[],
  logger: Logger,
  tuning: Pick<EventDeliveryOptions, 'pollIntervalMs' | 'pageSize' | 'leaseMs'> = {},
): Promise<EventDelivery> {
  return EventDelivery.open({
    statements: storage.statements,
    collections: storage.collections,
    leases: storage.leases,
    subscribers: pluginSubscribers(plugins),
    logger,
    ...tuning,
  });
}
