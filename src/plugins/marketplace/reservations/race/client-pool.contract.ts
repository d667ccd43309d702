/**
 * Concurrent clients: `clients` loops, each sending its own items one after the other (client n
 * gets the items whose `client` is n), as that many independent HTTP clients would.
 */
export async function asClients<T extends { client: number }>(items: readonly T[], clients: number, send: (item: T) => Promise<void>): Promise<void> {
  const queues = Array.from({ length: clients }, (): T[] => []);
  for (const item of items) {
    const queue = queues[item.client];
    if (queue === undefined) throw new Error(`item for client ${item.client}, but there are ${clients} clients`);
    queue.push(item);
  }
  const outcomes = await Promise.allSettled(
    queues.map(async (queue) => {
      for (const item of queue) await send(item);
    }),
  );
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason; // only once every client stopped, so nothing is still sending
}
