// S3 for the compose end-to-end run: s3rver (a real S3-protocol server) on ADDRESS:PORT, with a bucket holding
// a reference CSV and a new CSV whose numeric columns are shifted, so the first drift run detects drift.
// Prints "ready" once the objects are in place; stops on SIGTERM.
// Env: ADDRESS, PORT, DIRECTORY (its storage), BUCKET, REF_KEY, NEW_KEY.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// s3rver and minio are the drift detector's (dev) dependencies; resolve them from its folder.
const detector = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "packages", "drift-detector", "package.json");
const require = createRequire(detector);
const S3rver = require("s3rver");
const Minio = await import(require.resolve("minio"));

const { ADDRESS, PORT, DIRECTORY, BUCKET, REF_KEY, NEW_KEY } = process.env;
for (const [name, value] of Object.entries({ ADDRESS, PORT, DIRECTORY, BUCKET, REF_KEY, NEW_KEY })) {
  if (!value) throw new Error(`${name} is required`);
}

/** Deterministic wine-like rows: a linear congruential generator (Numerical Recipes constants) and Box-Muller. */
function csv(rows, shift) {
  let state = 42;
  const uniform = () => {
    state = (1664525 * state + 1013904223) % 2 ** 32;
    return (state + 0.5) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const lines = ["fixed acidity,volatile acidity,alcohol,pH,quality"];
  for (let i = 0; i < rows; i++) {
    const row = [8.3 + 1.7 * normal(), 0.53 + 0.18 * normal(), 10.4 + 1.1 * normal(), 3.31 + 0.15 * normal()].map(
      (value, column) => (value + shift * [1.7, 0.18, 1.1, 0.15][column]).toFixed(3),
    );
    row.push(String(Math.max(3, Math.min(8, Math.round(5.6 + 0.8 * normal() + shift)))));
    lines.push(row.join(","));
  }
  return `${lines.join("\n")}\n`;
}

const server = new S3rver({
  address: ADDRESS,
  port: Number(PORT),
  directory: DIRECTORY,
  silent: true,
  configureBuckets: [{ name: BUCKET }],
});
await server.run();
const client = new Minio.Client({
  endPoint: ADDRESS,
  port: Number(PORT),
  useSSL: false,
  accessKey: "S3RVER",
  secretKey: "S3RVER",
});
await client.putObject(BUCKET, REF_KEY, csv(600, 0));
await client.putObject(BUCKET, NEW_KEY, csv(400, 1.5));
console.log("ready");
process.once("SIGTERM", () => server.close().then(() => process.exit(0)));
