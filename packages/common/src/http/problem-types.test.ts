import { describe, expect, test } from "vitest";
import { HttpProblem } from "./problem.js";
import { COMMON_PROBLEMS, defineProblemTypes } from "./problem-types.js";

const TABLE = defineProblemTypes({ "port-taken": 409, "step-failed": [502, 503, 504] });

describe("a typed table of problem types", () => {
  test("each entry's type URN is built from its name, with the statuses it may carry", () => {
    expect(TABLE["port-taken"]).toEqual({ name: "port-taken", type: "urn:clarus:problem:port-taken", statuses: [409] });
    expect(TABLE["step-failed"].statuses).toEqual([502, 503, 504]);
    expect(COMMON_PROBLEMS["validation-error"].statuses).toEqual([422, 400]);
  });

  test("a problem takes its type's first status, or another of its statuses, and the status in words as its title", () => {
    const taken = new HttpProblem(TABLE["port-taken"], "Host port 8080 is taken.");
    expect(taken.toBody("/api/x")).toEqual({
      type: "urn:clarus:problem:port-taken",
      title: "Conflict",
      status: 409,
      detail: "Host port 8080 is taken.",
      instance: "/api/x",
    });
    const late = new HttpProblem(TABLE["step-failed"], "no answer", { status: 504, extensions: { step: "x" } });
    expect(late.toBody()).toEqual({
      step: "x",
      type: "urn:clarus:problem:step-failed",
      title: "Gateway Timeout",
      status: 504,
      detail: "no answer",
    });
  });

  test("a status the type is not answered with is a programming error, refused at once", () => {
    expect(() => new HttpProblem(TABLE["port-taken"], "x", { status: 500 })).toThrow(
      "problem type port-taken is not answered with 500",
    );
  });
});
