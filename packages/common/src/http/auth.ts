import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { HttpProblem } from "./problem.js";
import { COMMON_PROBLEMS } from "./problem-types.js";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Requires `Authorization: Bearer <token>`; compared in constant time. `variable` names where the token is set. */
export function bearerAuth(token: string, variable = "the API token"): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
      next(
        new HttpProblem(
          COMMON_PROBLEMS.unauthorized,
          header
            ? `The Authorization header is not "Bearer " followed by the token set in ${variable}.`
            : `This route needs the header Authorization: Bearer <${variable}>.`,
          {
            errors: [{ location: "header", field: "authorization", message: header ? "invalid token" : "required" }],
          },
        ),
      );
      return;
    }
    next();
  };
}
