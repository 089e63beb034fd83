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
  boundedUpstreamBody,
  type FieldError,
  type FieldLocation,
  fieldErrors,
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  type ProblemBody,
  problemHandler,
  problemSchema,
  quoteUpstream,
  type UpstreamDetails,
  type UpstreamFailure,
  validationProblem,
} from "./http/problem.js";
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
