/** How long an action waits for its own statements to reach the plugin's stores (delivery is woken at once). */
export const APPLIED_WAIT_MS = 2000;

/**
 * Polls `done` every 10 ms until it holds or `timeoutMs` passed: actions answer once what they
 * recorded is in the stores, so the page or API client reading next sees it (the score included).
 * Returns whether it holds.
 */
export async function waitUntil(done: () => Promise<boolean>, timeoutMs = APPLIED_WAIT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
