/**
 * The LRS with event delivery to the counting test subscriber (test-support/counting-subscriber.ts),
 * for tests that run it as a child process and kill it (conformance/durability-events.test.ts).
 * Configured from the environment like src/main.ts; EVENTS_POLL_MS, EVENTS_PAGE_SIZE and
 * EVENTS_LEASE_MS tune delivery.
 */
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { EventDelivery } from '../src/platform/events/delivery';
import { startServer } from '../src/server';
import { countingSubscriber } from './counting-subscriber';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  const { storage } = server.services;
  const delivery = await EventDelivery.open({
    statements: storage.statements,
    collections: storage.collections,
    leases: storage.leases,
    subscribers: [await countingSubscriber(storage.collections)],
    logger,
    pollIntervalMs: Number(process.env.EVENTS_POLL_MS ?? 50),
    pageSize: Number(process.env.EVENTS_PAGE_SIZE ?? 10),
    leaseMs: Number(process.env.EVENTS_LEASE_MS ?? 1_500),
  });
  delivery.start();
  process.on('SIGTERM', () => {
    delivery
      .stop()
      .then(() => server.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}

main().catch((error: unknown) => {
  console.error('the LRS with event delivery failed to start:', error);
  process.exit(1);
});
