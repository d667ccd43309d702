import type { RunningPlugin } from '../plugins/platform';
import type { EventSubscriber } from './delivery';

/**
 * The event subscribers among set-up plugins: those whose hooks include onEvents. A rebuild
 * empties only their stores declared `derived`.
 */
export function pluginSubscribers(plugins: RunningPlugin[]): EventSubscriber[] {
  return plugins.flatMap(({ name, onEvents, derivedStores }) =>
    onEvents === undefined ? [] : [{ name, onEvents, clear: async () => void (await Promise.all(derivedStores.map((store) => store.deleteMany()))) }],
  );
}
