import { describe, expect, test } from "vitest";
import { canonicalRegistry, parseImageReference } from "./image-reference.js";

describe("parseImageReference", () => {
  test.each([
    ["redwine", { registry: "docker.io", repository: "library/redwine", tag: undefined, pullReference: "redwine:latest" }],
    ["clarusproject/uc_energy:0.0.1", { registry: "docker.io", repository: "clarusproject/uc_energy", tag: "0.0.1" }],
    [
      "127.0.0.1:5000/redwine:prod",
      { registry: "127.0.0.1:5000", repository: "redwine", tag: "prod", pullReference: "127.0.0.1:5000/redwine:prod" },
    ],
    ["localhost/a/b/c:v1.2-rc_3", { registry: "localhost", repository: "a/b/c", tag: "v1.2-rc_3" }],
    [
      "registry.example.com/team/model",
      { registry: "registry.example.com", repository: "team/model", pullReference: "registry.example.com/team/model:latest" },
    ],
    ["index.docker.io/library/nginx:1", { registry: "docker.io", repository: "library/nginx" }],
    [`reg.local/a/b@sha256:${"a".repeat(64)}`, { registry: "reg.local", digest: `sha256:${"a".repeat(64)}`, tag: undefined }],
    [`reg.local:5000/a:1@sha256:${"b".repeat(64)}`, { registry: "reg.local:5000", repository: "a", tag: "1" }],
    ["a__b/c--d.e", { registry: "docker.io", repository: "a__b/c--d.e" }],
  ])("%s", (text, expected) => {
    expect(parseImageReference(text)).toMatchObject(expected);
  });

  test.each([
    ["", /image reference/],
    [" redwine", /image reference/],
    ["clarusproject/UC_Energy:0.0.1", /lower-case \("UC_Energy"\)/],
    ["img 1; rm -rf /", /not a valid repository path component/],
    ["redwine:", /tag ""/],
    ["redwine:-bad", /tag "-bad"/],
    [`redwine:${"t".repeat(129)}`, /tag/],
    ["redwine@sha256:xyz", /digest/],
    ["-bad.example.com/x", /repository path component|registry/],
    ["bad_host.example.com/x", /registry "bad_host.example.com"/],
    [`x/${"a".repeat(300)}`, /longer than 255/],
    ["a//b", /path component/],
  ])("rejects %j", (text, message) => {
    const parsed = parseImageReference(text);
    expect(parsed).toHaveProperty("error");
    expect((parsed as { error: string }).error).toMatch(message);
  });

  test("Docker Hub aliases compare equal", () => {
    expect(["docker.io", "index.docker.io", "REGISTRY-1.docker.io"].map(canonicalRegistry)).toEqual([
      "docker.io",
      "docker.io",
      "docker.io",
    ]);
    expect(canonicalRegistry("127.0.0.1:5000")).toBe("127.0.0.1:5000");
  });
});
