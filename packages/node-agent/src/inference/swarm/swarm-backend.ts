import { engineUnavailable, type HealthView } from "../engine-health.js";
import type { InferenceBackend } from "../inference-backend.js";
import { managedFilter } from "../labels.js";
import { type RemovalView, removalView } from "../remove-inference.js";
import { deployService } from "./deploy-service.js";
import { recoverInterruptedRollouts } from "./finish-rollout.js";
import { inspectServiceInference, listServiceInferences, requireService } from "./read-services.js";
import type { SwarmContext } from "./swarm-context.js";

async function removeService(ctx: SwarmContext, inferenceId: string): Promise<RemovalView> {
  const service = await requireService(ctx, inferenceId);
  // Waits for the tasks to stop, so that the port and the name are free when the answer arrives.
  await ctx.services.removeService(service.id, (ctx.stopTimeoutSeconds + 20) * 1000);
  ctx.logger.info({ inference: inferenceId, service: service.id }, "inference removed");
  return removalView(inferenceId, service);
}

/** Engine reachable and a swarm manager, overlay network present; engine-unavailable with the reason when the engine is not reachable. */
async function swarmHealth(ctx: SwarmContext): Promise<HealthView> {
  try {
    const info = await ctx.services.info();
    const network = info.manager ? await ctx.services.network(ctx.policy.network) : undefined;
    const present = network?.scope === "swarm";
    return {
      status: info.manager && (present || ctx.createNetwork) ? "ok" : "degraded",
      engine: { reachable: true, version: info.version, api_version: info.apiVersion },
      network: { name: ctx.policy.network, present, created_on_demand: ctx.createNetwork },
      swarm: { manager: info.manager, state: info.swarmState },
    };
  } catch (err) {
    throw engineUnavailable(err);
  }
}

/**
 * RUNTIME=swarm: each inference is a replicated service on a swarm manager. The engine keeps the desired state and
 * goes on converging while no agent watches; start-up finishes a deployment an agent stop interrupted (one whose
 * tasks it never saw answering: swarm/finish-rollout.ts), as that deployment would have.
 */
export function createSwarmBackend(ctx: SwarmContext): InferenceBackend {
  return {
    deploy: (request) => deployService(ctx, request),
    remove: (inferenceId) => removeService(ctx, inferenceId),
    list: () => listServiceInferences(ctx),
    inspect: (inferenceId) => inspectServiceInference(ctx, inferenceId),
    logs: async (inferenceId, tail) => ctx.services.serviceLogs((await requireService(ctx, inferenceId)).id, tail),
    health: () => swarmHealth(ctx),
    recover: () => recoverInterruptedRollouts(ctx),
    watch: (onChange, onEnd) => ctx.services.watchServices([managedFilter(ctx.policy.agentName)], onChange, onEnd),
  };
}
