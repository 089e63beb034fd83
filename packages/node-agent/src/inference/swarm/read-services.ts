import type { ServiceDetails } from "../../runtime/service-runtime.js";
import { InferenceError } from "../inference-error.js";
import type { InferenceView } from "../inference-view.js";
import { LABEL, managedFilter } from "../labels.js";
import { type ServiceDetailsView, serviceDetailsView, serviceView } from "./service-view.js";
import type { SwarmContext } from "./swarm-context.js";

/** Created by this agent (another agent on the same swarm has another AGENT_NAME). */
export function isManagedService(ctx: SwarmContext, service: ServiceDetails): boolean {
  return service.labels[LABEL.managedBy] === ctx.policy.agentName && service.labels[LABEL.inferenceId] === service.name;
}

/**
 * The inference's service, or inference-not-found. The answer is the same whether nothing or a service this agent did not create
 * has that name: the API tells nobody which other services run on the swarm.
 */
export async function requireService(ctx: SwarmContext, inferenceId: string): Promise<ServiceDetails> {
  const service = await ctx.services.inspectService(inferenceId);
  if (service && isManagedService(ctx, service)) return service;
  throw new InferenceError("inference-not-found", `No inference "${inferenceId}" exists on this node.`);
}

/** Every inference this agent manages: its services found by label, their tasks in one more call. */
export async function listServiceInferences(ctx: SwarmContext): Promise<InferenceView[]> {
  const services = (await ctx.services.listServices([managedFilter(ctx.policy.agentName)])).filter((s) =>
    isManagedService(ctx, s),
  );
  const tasks = await ctx.services.listTasks(services.map((s) => s.id));
  return services
    .map((service) =>
      serviceView(
        service,
        tasks.filter((task) => task.serviceId === service.id),
      ),
    )
    .sort((a, b) => a.inference_id.localeCompare(b.inference_id));
}

/** A service with its tasks (node, state, error) as the engine reports them now. */
export async function describeService(ctx: SwarmContext, idOrName: string): Promise<ServiceDetailsView> {
  const service = await ctx.services.inspectService(idOrName);
  if (!service) throw new InferenceError("engine-error", `The service ${idOrName} vanished right after it became ready.`);
  const [tasks, nodes] = await Promise.all([ctx.services.listTasks([service.id]), ctx.services.listNodes()]);
  const running = tasks.find((task) => task.desiredState === "running" && task.state === "running" && task.containerId);
  const health = running?.containerId ? await ctx.services.containerHealth(running.containerId) : undefined;
  return serviceDetailsView(service, tasks, nodes, ctx.policy.network, health);
}

export async function inspectServiceInference(ctx: SwarmContext, inferenceId: string): Promise<ServiceDetailsView> {
  const service = await requireService(ctx, inferenceId);
  return describeService(ctx, service.id);
}
