// Condition polling with a deadline: the only way the VS Code drivers wait for anything.

/**
 * Calls `probe` until it returns a truthy value (which is returned) or `timeoutMs` passes.
 * `probe` may throw or reject: that counts as "not yet", and the last error is reported on timeout;
 * an error with `fatal: true` (e.g. "the process died") ends the wait at once.
 */
export async function waitFor(what, probe, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      if (err?.fatal) throw err;
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message ?? lastError})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
