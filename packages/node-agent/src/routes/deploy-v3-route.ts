import { defineRoute, type Route } from "@clarus/common";
import type { InferenceAssetSource } from "../ids/index.js";
import { idsAssetAnswerSchema } from "../ids/index.js";
import type { InferenceService } from "../inference/inference-service.js";
import { AGENT_PROBLEMS } from "../problem-types.js";
import { DEPLOY_ERRORS } from "./inference-routes.js";
import { clusterRequest, deploymentSchema, deployV3Body } from "./schemas.js";

/** POST /api/v3/inference/deploy: the image and internal port come from the data space (IDS agent). */
export function deployV3Route(service: InferenceService, assets: InferenceAssetSource): Route {
  return defineRoute({
    method: "post",
    path: "/api/v3/inference/deploy",
    operationId: "deployInferenceFromDataSpace",
    summary: "Deploy the inference an experiment's IDS asset names",
    description:
      "Asks the local IDS agent (IDS_AGENT_URL) `GET /api/v2/consumer/asset?exp_id=…&provider_ip=$IDS_PROVIDER_IP` for the " +
      "experiment's inference metadata, then deploys the image and internal port it names exactly as POST /api/inference/deploy. " +
      `Accepted IDS answers: ${idsAssetAnswerSchema.description ?? ""}`,
    tags: ["inference_executor"],
    body: deployV3Body,
    responses: {
      201: { description: "Running and accepting connections", schema: deploymentSchema },
      403: DEPLOY_ERRORS[403],
      404: { description: "The IDS agent knows no asset for exp_id", problems: [AGENT_PROBLEMS["ids-asset-not-found"]] },
      409: DEPLOY_ERRORS[409],
      422: DEPLOY_ERRORS[422],
      502: {
        description:
          "The IDS agent answered an error, or its answer lacks docker_img_uri / inference_rest_api_port (quoted); or the " +
          "deployment failed",
        problems: [AGENT_PROBLEMS["ids-bad-answer"], AGENT_PROBLEMS["ids-error"], ...DEPLOY_ERRORS[502].problems],
      },
      503: {
        description: "IDS_PROVIDER_IP is not set, the IDS agent or the engine is unreachable",
        problems: [AGENT_PROBLEMS["ids-not-configured"], AGENT_PROBLEMS["ids-unreachable"], ...DEPLOY_ERRORS[503].problems],
      },
      504: {
        description: "The IDS agent did not answer within IDS_TIMEOUT_SECONDS, or the container did not become ready",
        problems: [AGENT_PROBLEMS["ids-timeout"], ...DEPLOY_ERRORS[504].problems],
      },
    },
    handler: async ({ body }) => {
      const asset = await assets.lookup(body.exp_id);
      return {
        status: 201,
        body: await service.deploy({
          inferenceId: body.inference_id,
          image: asset.image,
          internalPort: asset.internalPort,
          hostPort: body.inference_rest_api_forward_port,
          env: body.env,
          expId: body.exp_id,
          ...clusterRequest(body),
        }),
      };
    },
  });
}
