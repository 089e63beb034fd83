// The three agent calls the benchmark makes, over HTTP like any caller.

export interface DeployRequest {
  inferenceId: string;
  image: string;
  internalPort: number;
  hostPort: number;
}

export interface TimedDeploy {
  /** Wall time of the whole POST, from sending to the last byte of the answer. */
  totalMs: number;
  /** The part the agent spent waiting for the port to accept connections (its answer's readiness.waited_ms). */
  readinessMs: number;
}

async function failure(what: string, response: Response): Promise<Error> {
  return new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 1000)}`);
}

export async function deployThroughAgent(agentUrl: string, request: DeployRequest): Promise<TimedDeploy> {
  const started = performance.now();
  const response = await fetch(`${agentUrl}/api/inference/deploy`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      inference_id: request.inferenceId,
      docker_img_uri: request.image,
      inference_rest_api_port: String(request.internalPort),
      inference_rest_api_forward_port: String(request.hostPort),
    }),
  });
  const text = await response.text();
  const totalMs = performance.now() - started;
  if (response.status !== 201)
    throw new Error(`deploying ${request.inferenceId}: HTTP ${response.status} ${text.slice(0, 1000)}`);
  const waited = (JSON.parse(text) as { readiness?: { waited_ms?: unknown } }).readiness?.waited_ms;
  if (typeof waited !== "number") throw new Error(`the deploy answer has no readiness.waited_ms: ${text.slice(0, 500)}`);
  return { totalMs, readinessMs: waited };
}

export async function removeThroughAgent(agentUrl: string, inferenceId: string): Promise<void> {
  const response = await fetch(`${agentUrl}/api/inference/deploy?inference_id=${encodeURIComponent(inferenceId)}`, {
    method: "DELETE",
  });
  if (!response.ok) throw await failure(`removing ${inferenceId}`, response);
}

/** inference_id of every inference the agent lists. */
export async function listedInferenceIds(agentUrl: string): Promise<string[]> {
  const response = await fetch(`${agentUrl}/api/inference/all`);
  if (!response.ok) throw await failure("listing inferences", response);
  const body = (await response.json()) as unknown;
  const items = Array.isArray(body) ? body : ((body as { inferences?: unknown }).inferences ?? []);
  return (items as { inference_id?: string }[]).map((item) => item.inference_id ?? "");
}

/** Runs `task` over `items` with at most `limit` running at once. */
export async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
