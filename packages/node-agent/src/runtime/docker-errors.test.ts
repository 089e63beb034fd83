import { expect, test } from "vitest";
import { engineFailureKind, engineMessage, pullFailureKind, toRuntimeError } from "./docker-errors.js";

const modemError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });

test("engine failures are classified by what the caller can do about them (Docker 20.10 wording)", () => {
  expect(engineFailureKind(Object.assign(new Error("connect ENOENT /var/run/docker.sock"), { code: "ENOENT" }))).toBe(
    "unavailable",
  );
  expect(
    engineFailureKind(
      modemError(
        500,
        "driver failed programming external connectivity on endpoint x: Bind for 0.0.0.0:8080 failed: port is already allocated",
      ),
    ),
  ).toBe("port-taken");
  expect(
    engineFailureKind(modemError(500, "Error starting userland proxy: listen tcp4 127.0.0.1:7070: bind: address already in use")),
  ).toBe("port-taken");
  expect(engineFailureKind(modemError(404, "network clarus_inference_network not found"))).toBe("network-missing");
  expect(engineFailureKind(modemError(409, 'Conflict. The container name "/x" is already in use by container "abc".'))).toBe(
    "name-conflict",
  );
  expect(engineFailureKind(modemError(404, "No such container: x"))).toBe("not-found");
  expect(engineFailureKind(modemError(500, "something else"))).toBe("engine");
});

test("pull failures: registry auth, missing image, anything else", () => {
  expect(pullFailureKind("Head http://127.0.0.1:5000/v2/x/manifests/1: no basic auth credentials")).toBe("registry-auth");
  expect(pullFailureKind("unauthorized: authentication required")).toBe("registry-auth");
  expect(pullFailureKind("pull access denied for x, repository does not exist or may require 'docker login'")).toBe(
    "registry-auth",
  );
  expect(pullFailureKind("manifest for 127.0.0.1:5000/x:1 not found: manifest unknown: manifest unknown")).toBe(
    "image-not-found",
  );
  expect(pullFailureKind('Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused')).toBe("registry");
});

test("the engine's words are quoted without docker-modem's prefix", () => {
  expect(engineMessage(modemError(404, "No such container: x"))).toBe("No such container: x");
  expect(engineMessage(new Error("(HTTP code 500) server error - Head x: no basic auth credentials "))).toBe(
    "Head x: no basic auth credentials",
  );
});

test("an unreachable engine is named by its variable: the socket's path on the host is not quoted", () => {
  const failure = toRuntimeError(
    Object.assign(new Error("connect ENOENT /srv/plant-7/docker.sock"), { code: "ENOENT" }),
    "list containers",
  );
  expect(failure.kind).toBe("unavailable");
  expect(failure.message).toBe(
    "The Docker engine (DOCKER_HOST) is unreachable while trying to list containers: connect ENOENT (the DOCKER_HOST socket)",
  );
  expect(`${failure.message} ${failure.engineMessage}`).not.toContain("/srv");
});
