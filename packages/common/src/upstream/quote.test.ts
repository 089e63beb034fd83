import { expect, test } from "vitest";
import { boundedUpstreamBody, quoteUpstream } from "./quote.js";

test("a quote is one printable line: breaks become a space, control and bidi characters a replacement mark", () => {
  expect(quoteUpstream("line 1\r\nline 2\t\tend")).toBe("line 1 line 2 end");
  expect(quoteUpstream("red\u001b[31m alert\u0007")).toBe("red\uFFFD[31m alert\uFFFD");
  expect(quoteUpstream("abc\u202edcba")).toBe("abc\uFFFDdcba");
});

test("JSON is quoted serialised; a long answer is cut at 500 characters saying how much was left out", () => {
  expect(quoteUpstream({ detail: "x" })).toBe('{"detail":"x"}');
  expect(quoteUpstream("y".repeat(600))).toBe(`${"y".repeat(500)}… (100 more characters)`);
  expect(quoteUpstream(undefined)).toBe("");
});

test("a problem's upstream body keeps a short answer as it is and quotes a long one", () => {
  expect(boundedUpstreamBody({ detail: "x" })).toEqual({ detail: "x" });
  expect(boundedUpstreamBody(undefined)).toBeUndefined();
  expect(boundedUpstreamBody({ detail: "z".repeat(1000) })).toMatch(/^\{"detail":"z+… \(\d+ more characters\)$/);
});
