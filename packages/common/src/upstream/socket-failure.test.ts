import { expect, test } from "vitest";
import { socketFailure } from "./socket-failure.js";

const socketError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

test("no answer in time: the OS's, axios' and an aborted call's codes", () => {
  for (const code of ["ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNABORTED", "ERR_CANCELED"]) {
    expect(socketFailure(socketError(code))).toEqual({ kind: "timeout", code });
  }
});

test("unreachable: nothing listens, no such host or socket file, no route, or the peer dropped the connection", () => {
  for (const code of ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENOENT", "EACCES", "ECONNRESET", "EPIPE"]) {
    expect(socketFailure(socketError(code))).toEqual({ kind: "unreachable", code });
  }
});

test("anything else is not a socket failure", () => {
  expect(socketFailure(socketError("ERR_SSL_WRONG_VERSION_NUMBER"))).toBeUndefined();
  expect(socketFailure(new Error("no code"))).toBeUndefined();
  expect(socketFailure(Object.assign(new Error("numeric"), { code: 500 }))).toBeUndefined();
  expect(socketFailure(undefined)).toBeUndefined();
  expect(socketFailure("ECONNREFUSED")).toBeUndefined();
});
