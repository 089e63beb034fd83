import { RuntimeError } from "../runtime/runtime-error.js";
import type { InferenceContext } from "./inference-context.js";
import { InferenceError } from "./inference-error.js";

export interface HealthView {
  status: "ok" | "degraded";
  engine: { reachable: true; version: string; api_version: string };
  network: { name: string; present: boolean; created_on_demand: boolean };
  /** RUNTIME=swarm: whether the engine is a swarm manager (services can be created only on one). */
  swarm?: { manager: boolean; state: string };
}

/** Engine reachable and its version, inference network present; engine-unavailable with the reason when the engine is not reachable. */
export async function engineHealth(ctx: InferenceContext): Promise<HealthView> {
  try {
    const info = await ctx.runtime.info();
    const present = await ctx.runtime.networkExists(ctx.policy.network);
    return {
      // A missing network blocks deployments unless the agent may create it.
      status: present || ctx.createNetwork ? "ok" : "degraded",
      engine: { reachable: true, version: info.version, api_version: info.apiVersion },
      network: { name: ctx.policy.network, present, created_on_demand: ctx.createNetwork },
    };
  } catch (err) {
    throw engineUnavailable(err);
  }
}

/** A health check's engine failure as the engine-unavailable both backends answer; anything else as it was thrown. */
export function engineUnavailable(err: unknown): unknown {
  if (!(err instanceof RuntimeError)) return err;
  return new InferenceError("engine-unavailable", err.message, {
    extensions: { engine: { reachable: false, error: err.engineMessage } },
    cause: err,
  });
}
