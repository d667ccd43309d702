import type { PluginStatements } from '../src/plugin-api';

/**
 * PluginStatements for a plugin feature tested on its stores alone: reads find nothing unless
 * `reads` says otherwise, and recording or receiving fails with `why` (the test feeds events instead).
 */
export function readOnlyStatements(why: string, reads: Partial<PluginStatements> = {}): PluginStatements {
  const refuse = async (): Promise<never> => Promise.reject(new Error(why));
  return {
    record: refuse,
    receive: refuse,
    get: async () => undefined,
    readFeed: async () => [],
    feedHead: async () => 0,
    caughtUp: async () => true,
    attachment: async () => undefined,
    ...reads,
  };
}
