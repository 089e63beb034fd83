export { ConfigError, envVar, loadConfig } from "./config.js";
export {
  accessVariables,
  apiTokenVariable,
  exposureWarning,
  type GuardedService,
  type HttpAccess,
  isLoopback,
  readAccess,
} from "./http/access.js";
export { createHttpApp, type HttpApp, type HttpAppOptions } from "./http/app.js";
export { bearerAuth } from "./http/auth.js";
export { createHttpMetrics, type HttpMetrics } from "./http/metrics.js";
export { buildOpenApiDocument, jsonSchema, type OpenApiInfo } from "./http/openapi.js";
export { pingRoute } from "./http/ping-route.js";
export {
  type FieldError,
  type FieldLocation,
  fieldErrors,
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  type ProblemBody,
  type ProblemMapping,
  problemHandler,
  problemSchema,
  type UpstreamDetails,
  validationProblem,
} from "./http/problem.js";
export { COMMON_PROBLEMS, defineProblemTypes, type ProblemType } from "./http/problem-types.js";
export { createRequestGuard, type RequestGuard, type RequestGuardOptions } from "./http/request-guard.js";
export {
  changesState,
  defineRoute,
  type HttpMethod,
  type ResponseSpec,
  type Route,
  type RouteContext,
  type RouteReply,
} from "./http/route.js";
export { createLogger, type Logger } from "./logger.js";
export { exitOnSignal, listen, type RunningServer } from "./server.js";
export { type HttpAnswer, type HttpRequest, httpCall, UPSTREAM_ANSWER_LIMIT_BYTES } from "./upstream/http-call.js";
export { boundedUpstreamBody, quoteUpstream } from "./upstream/quote.js";
export { type RetryPolicy, withRetries } from "./upstream/retry.js";
export { type SocketFailure, socketFailure } from "./upstream/socket-failure.js";
export { UpstreamError, type UpstreamFailure } from "./upstream/upstream-error.js";
