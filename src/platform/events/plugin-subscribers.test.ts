import pino from 'pino';
import { openTestBackend } from '../../../test-support/backends';
import type { RunningPlugin } from '../plugins/platform';
import { recordOf } from '../../xapi/statements/statement-storage.contract';
import { pluginEventDelivery, pluginSubscribers } from './plugin-subscribers';

const running = (name: string, onEvents?: RunningPlugin['onEvents']): RunningPlugin => ({ name, version: '1.0.0', formerPaths: [], jobs: [], scopes: {}, onEvents });

it('makes the plugins with an onEvents hook the event subscribers, and delivers to them', async () => {
  const received: string[] = [];
  const plugins = [running('quiet'), running('listener', async (events) => void received.push(...events.map((event) => event.type)))];
  expect(pluginSubscribers(plugins).map((subscriber) => subscriber.name)).toEqual(['listener']);

  const { backend, dispose } = await openTestBackend('sqlite');
  try {
    await backend.statements.storeBatch([recordOf()]);
    const delivery = await pluginEventDelivery(backend, plugins, pino({ level: 'silent' }), { pollIntervalMs: 10 });
    expect(delivery.subscriberNames).toEqual(['listener']);
    delivery.start();
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await delivery.stop();
    expect(received).toEqual(['stored']);
  } finally {
    await dispose();
  }
});
