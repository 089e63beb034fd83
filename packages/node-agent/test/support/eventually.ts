// Retrying a probe for things that become true shortly after an answer (a port opening, an engine event).

/** Retries `probe` every 100 ms until it resolves; after `timeoutMs` its last error is thrown. */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
