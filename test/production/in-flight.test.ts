import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { inFlight } from "../../src/app/in-flight.ts";
import { closeServer } from "../../src/app/shutdown.ts";

// What npm start does at SIGTERM (src/main.ts): the server closes, then the handlers still running are waited for.
describe("handlers in flight at shutdown", () => {
  it("a handler whose client went away is still waited for after the server has closed", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const finished: string[] = [];
    const app = new Hono();
    app.get("/slow", async (c) => {
      started();
      await held;
      finished.push("handler");
      return c.text("done");
    });
    const handlers = inFlight();
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: (req, env) => handlers.track(app.fetch(req, env)), port: 0, hostname: "127.0.0.1" }, () => resolve(s as Server));
    });
    const port = (server.address() as AddressInfo).port;

    const req = request({ host: "127.0.0.1", port, path: "/slow", agent: false });
    req.on("error", () => {});
    req.end();
    await running;
    expect(handlers.count).toBe(1);
    // The client gives up: its connection closes, and the server has nothing left open.
    req.destroy();
    expect(await closeServer(server, 2_000)).toBe(true);
    expect(finished).toEqual([]);

    const idle = handlers.idle(2_000).then((v) => {
      finished.push("idle");
      return v;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(finished).toEqual([]);
    release();
    expect(await idle).toBe(true);
    expect(finished).toEqual(["handler", "idle"]);
    expect(handlers.count).toBe(0);
  });

  it("gives up after its time with a handler still running", async () => {
    const handlers = inFlight();
    void handlers.track(new Promise(() => {}));
    expect(await handlers.idle(30)).toBe(false);
    expect(await inFlight().idle(0)).toBe(true);
  });
});
