import type { RunningPlugin } from '../plugins/platform';
import type { EventSubscriber } from './delivery';

/** The event subscribers among set-up plugins: those whose hooks include onEvents. */
export function pluginSubscribers(plugins: RunningPlugin[]): EventSubscriber[] {
  return plugins.flatMap(({ name, onEvents }) => (onEvents === undefined ? [] : [{ name, onEvents }]));
}
