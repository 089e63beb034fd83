import type { ContainerSpec } from "../runtime/container-runtime.js";
import type { ContainerPolicy } from "./container-spec.js";
import { InferenceError } from "./inference-error.js";

/**
 * What in the operator's least-privilege settings a container that did not come up ran into, as its log shows it:
 * a write to the read-only root filesystem, a privileged operation refused for lack of a capability, or a file its
 * user (CONTAINER_USER) may not open. Each names the setting to change.
 */
export function privilegeHints(policy: ContainerPolicy, logs: string[]): { setting: string; hint: string }[] {
  const text = logs.join("\n");
  const hints: { setting: string; hint: string }[] = [];
  if (policy.readOnlyRootfs && /read-only file system|EROFS/i.test(text)) {
    hints.push({
      setting: "CONTAINER_READ_ONLY_ROOTFS",
      hint: "It tried to write to its root filesystem, which is read-only (only /tmp is writable): the operator can allow writes with CONTAINER_READ_ONLY_ROOTFS=false.",
    });
  }
  if (/operation not permitted|EPERM/i.test(text)) {
    const granted = policy.capabilities.length ? policy.capabilities.join(",") : "none";
    hints.push({
      setting: "CONTAINER_CAP_ADD",
      hint: `It was refused an operation: it runs without Linux capabilities (CONTAINER_CAP_ADD: ${granted}); the operator can add the one it needs, e.g. CONTAINER_CAP_ADD=CHOWN.`,
    });
  }
  if (policy.user && /permission denied|EACCES/i.test(text)) {
    hints.push({
      setting: "CONTAINER_USER",
      hint: `It was denied access to a file as user ${policy.user} (CONTAINER_USER): the operator can unset CONTAINER_USER to run it as its image's user.`,
    });
  }
  return hints;
}

/**
 * A user (CONTAINER_USER) the image does not have, as the engine words it when the container (or a swarm task) cannot
 * start: a failure naming the setting; undefined for any other engine message.
 */
export function unknownUserProblem(
  spec: ContainerSpec,
  engineMessage: string,
  message: string,
  cause?: unknown,
): InferenceError | undefined {
  if (!spec.user || !/unable to find (user|group)|no matching entries/i.test(engineMessage)) return undefined;
  return new InferenceError(
    "inference-not-started",
    `The image ${spec.image} has no user "${spec.user}" (CONTAINER_USER): the operator can set a numeric uid:gid such as 65534:65534, or unset CONTAINER_USER. ${message}`,
    {
      extensions: {
        settings: ["CONTAINER_USER"],
        upstream: { service: "engine", failure: "rejected", body: engineMessage },
      },
      cause,
    },
  );
}
