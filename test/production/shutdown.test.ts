import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productionEnv } from "./env.ts";
import { freePort } from "../harness/ports.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The real `npm start` in production on embedded SQLite, on a loopback port; resolves once it listens. */
async function startServer(dir: string, port: number): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const env = {
    PATH: process.env.PATH ?? "",
    ...productionEnv({ DATABASE_URL: `sqlite:${join(dir, "izy.db")}`, DATA_DIR: dir, PORT: String(port), HOST: "127.0.0.1", SCHEDULER: "off" }),
  };
  const child = spawn(process.execPath, [MAIN], { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start in 20 s:\n${out}`)), 20_000);
    child.stdout!.on("data", () => {
      if (out.includes("IzyBoost is running")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", () => reject(new Error(`exited:\n${out}`)));
  });
  return { child, output: () => out, exited };
}

describe("a production instance stops gracefully", () => {
  let dir: string;
  let port: number;
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "izy-prod-"));
    port = await freePort();
    server = await startServer(dir, port);
  }, 30_000);
  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts with no provider, prints a setup link and no password, and is ready", async () => {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(server.output()).toMatch(/no provider/);
    expect(server.output()).not.toMatch(/password:/i);
    // The first admin comes with a one-time link, printed once.
    expect(server.output()).toMatch(/First admin created: admin@izyboost\.test .*\n {2}https:\/\/izyboost\.test\/password\/reset\?token=[a-z0-9]+\n/);
  });

  it("finishes a slow request in flight after SIGTERM while new connections are refused", async () => {
    // A sign-in whose body arrives slowly: the request is in flight when the signal comes.
    let refused = "";
    const payload = JSON.stringify({ login: "nobody@example.com", password: "not-the-password" });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: "/api/login",
          method: "POST",
          headers: { host: "izyboost.test", "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        },
        (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on("error", reject);
      req.write(payload.slice(0, 10));
      setTimeout(() => {
        server.child.kill("SIGTERM");
        setTimeout(async () => {
          // The listener is closed: a new connection is refused while the old request still runs.
          refused = await new Promise<string>((res) => {
            const s = connect(port, "127.0.0.1");
            s.on("connect", () => {
              s.destroy();
              res("connected");
            });
            s.on("error", (e: NodeJS.ErrnoException) => res(e.code ?? "error"));
          });
          req.end(payload.slice(10));
        }, 700);
      }, 300);
    });
    const res = await answer;
    expect(refused).toBe("ECONNREFUSED");
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).error.code).toBeTruthy();
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("SIGTERM: finishing the requests and jobs in flight");
    expect(server.output()).toContain("Stopped.");
  }, 20_000);
});
