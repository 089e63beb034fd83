import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
// s3rver ships no type declarations.
// @ts-expect-error
import S3rver from "s3rver";
import { S3Store } from "../../src/adapters/storage/s3-store.js";
import type { OutboundCallPolicy } from "../../src/config.js";

export interface RunningS3rver {
  port: number;
  accessKey: string;
  secretKey: string;
  stop: () => Promise<void>;
}

/** A real S3-protocol server on 127.0.0.1 (random port) over a temp folder, with the given buckets. */
export async function startS3rver(buckets: string[]): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const address = (await server.run()) as AddressInfo;
  return {
    port: address.port,
    // s3rver's fixed development credentials (its README, "Signature verification").
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The service's S3 adapter on one bucket of a running s3rver. */
export function s3StoreOn(s3: RunningS3rver, bucket: string, policy: OutboundCallPolicy): S3Store {
  return new S3Store({
    endPoint: "127.0.0.1",
    port: s3.port,
    useSSL: false,
    region: "us-east-1",
    accessKey: s3.accessKey,
    secretKey: s3.secretKey,
    bucket,
    policy,
  });
}
