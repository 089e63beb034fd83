// A container on an overlay network that the tests use to reach swarm tasks by their own addresses: this machine has
// no IPVS, so neither service VIPs nor the ingress mesh route, and the host has no route into an overlay network.
// It stands where an agent attached to the inference network would stand. Requests go out with busybox `nc` (its
// `wget` crashes in a FROM-scratch container).
import { PassThrough } from "node:stream";
import { testDocker } from "./engine.js";

export interface OverlayProber {
  /** The HTTP body `host:port` serves for `path`, or undefined when nothing accepts the connection. */
  get(host: string, port: number, path?: string): Promise<string | undefined>;
  /** A readiness probe for the agent: true when `host:port` accepts a connection. */
  accepts(host: string, port: number, timeoutMs: number): Promise<boolean>;
  remove(): Promise<void>;
}

/** Starts `name` from `image` (a test image: it carries busybox) on `network`. */
export async function startOverlayProber(image: string, network: string, name: string): Promise<OverlayProber> {
  const container = await testDocker.createContainer({
    name,
    Image: image,
    Entrypoint: ["/bin/busybox", "sleep", "3600"],
    HostConfig: { NetworkMode: network, Init: true },
  });
  await container.start();

  const run = async (script: string, ...args: string[]): Promise<{ exitCode: number; output: string }> => {
    const exec = await container.exec({
      Cmd: ["/bin/busybox", "sh", "-c", script, "probe", ...args],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    testDocker.modem.demuxStream(stream, stdout, new PassThrough());
    await new Promise<void>((resolve) => {
      stream.once("end", resolve);
      stream.once("close", resolve);
    });
    const { ExitCode } = await exec.inspect();
    return { exitCode: ExitCode ?? -1, output: Buffer.concat(chunks).toString("utf8") };
  };

  return {
    async get(host, port, path = "/") {
      const { exitCode, output } = await run(
        'printf "GET $3 HTTP/1.0\\r\\n\\r\\n" | /bin/busybox nc -w 2 "$1" "$2"',
        host,
        String(port),
        path,
      );
      if (exitCode !== 0 || !output.startsWith("HTTP/")) return undefined;
      return output.slice(output.indexOf("\r\n\r\n") + 4);
    },
    async accepts(host, port, timeoutMs) {
      const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
      return (await run('/bin/busybox nc -w "$3" "$1" "$2" </dev/null', host, String(port), seconds)).exitCode === 0;
    },
    async remove() {
      await container.remove({ force: true });
    },
  };
}
