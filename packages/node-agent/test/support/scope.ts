// Per-test-file namespaces for Docker objects, and the cleanup that removes everything created in one.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { testDocker } from "./engine.js";
import { TEST_RUNTIME } from "./swarm.js";
import { TEST_IMAGE_REF_LABEL } from "./test-image.js";

/** Label on what a scope creates itself (networks); its value is the scope prefix. */
const TEST_SCOPE_LABEL = "clarus.test.scope";
/** Every scope prefix starts with this, so `removeTestResources(TEST_PREFIX)` sweeps leftovers of crashed runs. */
const TEST_PREFIX = "clarus-t-";

export interface RemovedResources {
  services: string[];
  containers: string[];
  networks: string[];
  images: string[];
}

export interface TestScope {
  /** Unique per scope, lowercase, valid in container, image and network names: "clarus-t-<tag>-<random>". */
  prefix: string;
  /** `${prefix}-${suffix}`: a container (inference_id) or network name this scope will clean up. */
  name(suffix: string): string;
  /** `${registryHost}/${prefix}/${repository}:${tag}`: an image reference this scope will clean up. */
  imageRef(registryHost: string, repository: string, tag: string): string;
  /**
   * Creates a network named `${prefix}-${suffix}` (default suffix "inference-network"): a bridge, or an attachable
   * overlay network (default with RUNTIME=swarm).
   */
  createNetwork(suffix?: string, options?: { overlay?: boolean }): Promise<string>;
  /** Removes every container, network and image of this scope (see removeTestResources). */
  cleanup(): Promise<RemovedResources>;
}

/** A namespace for one test file's Docker objects; `tag` says which file (letters, digits, dashes). */
export function createTestScope(tag: string): TestScope {
  const slug = tag
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 24);
  const prefix = `${TEST_PREFIX}${slug || "x"}-${randomBytes(3).toString("hex")}`;
  const name = (suffix: string) => `${prefix}-${suffix}`;
  return {
    prefix,
    name,
    imageRef: (registryHost, repository, tag) => `${registryHost}/${prefix}/${repository}:${tag}`,
    async createNetwork(suffix = "inference-network", { overlay = TEST_RUNTIME === "swarm" } = {}) {
      const network = name(suffix);
      await testDocker.createNetwork({
        Name: network,
        Labels: { [TEST_SCOPE_LABEL]: prefix },
        ...(overlay ? { Driver: "overlay", Attachable: true } : { Driver: "bridge" }),
      });
      return network;
    },
    cleanup: () => removeTestResources(prefix),
  };
}

/**
 * Removes, in this order, swarm services whose name starts with `prefix` (on a manager; waiting for their tasks to go)
 * and the agents' swarm configs of the scope, containers
 * whose name starts with `prefix` (forced, whatever created them: the
 * agent names containers after the inference_id), networks whose name starts with it, and images whose
 * reference has it as a path component or whose test-image label names such a reference.
 * Test-only: the agent itself never matches containers by name.
 */
async function removeTestResources(prefix: string): Promise<RemovedResources> {
  const removed: RemovedResources = { services: [], containers: [], networks: [], images: [] };
  removed.services = await removeServices(prefix);
  const containers = await testDocker.listContainers({ all: true, filters: { name: [prefix] } });
  for (const container of containers) {
    const name = container.Names.map((n) => n.replace(/^\//, "")).find((n) => n.startsWith(prefix));
    if (!name) continue;
    await ignoreMissing(testDocker.getContainer(container.Id).remove({ force: true, v: true }));
    removed.containers.push(name);
  }
  for (const network of await testDocker.listNetworks({ filters: { name: [prefix] } })) {
    if (!network.Name.startsWith(prefix)) continue;
    await ignoreMissing(testDocker.getNetwork(network.Id).remove());
    removed.networks.push(network.Name);
  }
  const inScope = (ref: string) => ref.startsWith(`${prefix}/`) || ref.includes(`/${prefix}/`) || ref.startsWith(`${prefix}:`);
  for (const image of await testDocker.listImages({ all: true })) {
    const tags = (image.RepoTags ?? []).filter((ref) => ref !== "<none>:<none>");
    const builtFor = image.Labels?.[TEST_IMAGE_REF_LABEL];
    if (!tags.some(inScope) && !(builtFor && inScope(builtFor))) continue;
    // Forced: a tag still used by a stopped container must go too; ids in use by running ones stay.
    // noprune: parent layers may be the build cache of another test file's build running right now.
    await ignoreMissing(testDocker.getImage(image.Id).remove({ force: true, noprune: true }));
    removed.images.push(tags.join(",") || image.Id);
  }
  return removed;
}

async function ignoreMissing(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    // 404: already gone; 409: still in use by something outside the scope, which is not ours to break.
    if (status !== 404 && status !== 409) throw error;
  }
}

async function removeServices(prefix: string): Promise<string[]> {
  const info = (await testDocker.info()) as { Swarm?: { ControlAvailable?: boolean } };
  // Outside a swarm (or on a worker) there are no services to list.
  if (!info.Swarm?.ControlAvailable) return [];
  const services = (await testDocker.listServices({ filters: { name: [prefix] } })).filter((service) =>
    service.Spec?.Name?.startsWith(prefix),
  );
  for (const service of services) await ignoreMissing(testDocker.getService(service.ID).remove());
  // The agents' deployment marks (swarm configs), left by a test that stopped half-way: their agent names are the
  // scope's prefix, or start with it.
  for (const config of await testDocker.listConfigs()) {
    const owner = config.Spec?.Labels?.["clarus.managed-by"] ?? "";
    if (owner.startsWith(prefix) || config.Spec?.Name?.startsWith(prefix))
      await ignoreMissing(testDocker.getConfig(config.ID).remove());
  }
  // Their tasks hold the overlay network and published ports until they are gone; the engine answers 404 for a
  // service already gone with all its tasks.
  const tasksLeft = async (id: string) =>
    (
      await testDocker.listTasks({ filters: { service: [id] } }).catch((error: { statusCode?: number }) => {
        if (error.statusCode === 404) return [];
        throw error;
      })
    ).filter((task) => task.ServiceID === id).length;
  let pending = services.map((service) => service.ID);
  for (let waited = 0; pending.length > 0 && waited < 30_000; waited += 200) {
    const counts = await Promise.all(pending.map(tasksLeft));
    pending = pending.filter((_, index) => counts[index]! > 0);
    if (pending.length > 0) await sleep(200);
  }
  return services.map((service) => service.Spec?.Name ?? service.ID);
}
