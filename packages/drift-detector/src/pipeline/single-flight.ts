/** Concurrent callers asking for the same key share one execution and its outcome. */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): { promise: Promise<T>; joined: boolean } {
    const running = this.inFlight.get(key);
    if (running) return { promise: running, joined: true };
    const promise = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return { promise, joined: false };
  }
}
