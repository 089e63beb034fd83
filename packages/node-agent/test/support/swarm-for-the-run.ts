// Swarm mode on the shared engine for the RUNTIME=swarm project, as its vitest globalSetup: one swarm transition per
// run, before any file and after all of them, never in the middle of another file's engine calls. Several runs (other
// developers', other processes) may share the engine while others run docker-backend tests on it: each run holds a
// lease; the swarm is initialised by the first that finds the engine outside a swarm, and left (`docker swarm leave
// --force`) by the last lease holder only if a test run initialised it and no service is left on it. An engine that
// was a manager before stays one. No vitest import: a globalSetup runs outside the test workers.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { probeDocker, testDocker } from "./engine.js";

const LEASES = join(tmpdir(), "clarus-test-swarm");
const LOCK = join(LEASES, "lock");
/** Present while the swarm exists because a test initialised it. */
const INITIALISED_BY_TESTS = join(LEASES, "initialised-by-tests");
const LOCK_STALE_MS = 60_000;

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(LEASES, { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      // A lock left by a killed process goes stale.
      const age = await stat(LOCK).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await rm(LOCK, { recursive: true, force: true });
      await sleep(50 + Math.random() * 100);
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function swarmState(): Promise<{ state: string; manager: boolean }> {
  const info = (await testDocker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  return { state: info.Swarm?.LocalNodeState ?? "inactive", manager: info.Swarm?.ControlAvailable === true };
}

interface SwarmLease {
  release(): Promise<void>;
}

/** Makes sure the engine is a swarm manager until `release`. */
async function leaseSwarm(): Promise<SwarmLease> {
  const lease = join(LEASES, `lease-${process.pid}-${randomBytes(4).toString("hex")}`);
  await withLock(async () => {
    const { state, manager } = await swarmState();
    if (state === "inactive") {
      await testDocker.swarmInit({ ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1" });
      await writeFile(INITIALISED_BY_TESTS, String(process.pid));
    } else if (!manager) {
      throw new Error(`RUNTIME=swarm tests need a swarm manager; this engine's swarm state is "${state}" without control`);
    }
    await writeFile(lease, String(process.pid));
  });
  return {
    release: () =>
      withLock(async () => {
        await rm(lease, { force: true });
        const holders = (await readdir(LEASES)).filter((name) => name.startsWith("lease-"));
        const live = holders.filter((name) => alive(Number(name.split("-")[1])));
        for (const dead of holders.filter((name) => !live.includes(name))) await rm(join(LEASES, dead), { force: true });
        const initialised = await stat(INITIALISED_BY_TESTS).then(
          () => true,
          () => false,
        );
        if (live.length > 0 || !initialised) return;
        const services = await testDocker.listServices();
        if (services.length > 0) {
          console.warn(`[swarm] not leaving the swarm: ${services.length} service(s) still exist on it`);
          return;
        }
        await testDocker.swarmLeave({ force: true });
        await rm(INITIALISED_BY_TESTS, { force: true });
      }),
  };
}

/**
 * The globalSetup of the RUNTIME=swarm project: the engine is a swarm manager from before the first file to after
 * the last. Without an engine it does nothing (the files' describeWithDocker skip, or fail under CLARUS_REQUIRE_DOCKER).
 */
export default async function holdSwarmForTheRun(): Promise<() => Promise<void>> {
  if (!(await probeDocker()).available) return async () => {};
  const lease = await leaseSwarm();
  return () => lease.release();
}
