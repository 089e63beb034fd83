// The real Docker engine the tests drive: one shared client, an availability probe and stream draining.
import Docker from "dockerode";

export const DOCKER_SOCKET = "/var/run/docker.sock";

/** The dockerode client every test helper uses; it talks to the local engine only. */
export const testDocker = new Docker({ socketPath: DOCKER_SOCKET });

let availability: Promise<{ available: boolean; reason: string }> | undefined;

/** Probes the engine once per test process (GET /_ping, 3 s bound) and remembers the answer and why. */
export function probeDocker(): Promise<{ available: boolean; reason: string }> {
  availability ??= (async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no answer within 3 s")), 3000);
    });
    try {
      await Promise.race([testDocker.ping(), timeout]);
      return { available: true, reason: "engine answered /_ping" };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { available: false, reason: `no Docker engine answers on ${DOCKER_SOCKET} (${message})` };
    } finally {
      clearTimeout(timer);
    }
  })();
  return availability;
}

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Drains a build/pull/push progress stream and fails on any event that carries an error:
 * the engine reports those inside a stream that started with HTTP 200.
 */
export function drainProgress(stream: NodeJS.ReadableStream, what: string): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    testDocker.modem.followProgress(stream, (error: Error | null, events: ProgressEvent[]) => {
      if (error) return reject(new Error(`${what}: ${error.message}`));
      const failed = events.find((event) => event.error || event.errorDetail);
      if (failed) return reject(new Error(`${what}: ${failed.errorDetail?.message ?? failed.error}`));
      resolve(events);
    });
  });
}
