import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { providerClient, ProviderError } from "../../src/providers/client.ts";
import { SECRET_KEY } from "./support.ts";

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** An HTTP panel answering with `answer`, which records each request's body and the connection it came on. */
async function panel(answer: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  const seen: { body: string; socket: Socket; url: string }[] = [];
  const server = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      seen.push({ body, socket: req.socket, url: req.url ?? "" });
      answer(req, body, res);
    });
  });
  const port = await listen(server);
  const stop = () => {
    server.closeAllConnections();
    return close(server);
  };
  return { seen, url: `http://127.0.0.1:${port}/api/v2`, close: stop };
}

describeEachDialect("the provider client's HTTP exchange", (dialect) => {
  let p: TestPlatform;
  const client = (url: string) => providerClient(p.ctx(), { id: 1, url, apiKey: SECRET_KEY }, { timeoutMs: 300, retries: 0, logTo: [] });

  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("reuses a kept-alive connection for the calls that follow", async () => {
    const sim = await panel((_req, _body, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"balance":"10.5","currency":"USD"}'));
    try {
      const c = client(sim.url);
      for (let i = 0; i < 3; i++) expect(await c.balance()).toEqual({ balance: 10_500_000, currency: "USD" });
      expect(sim.seen.length).toBe(3);
      expect(new Set(sim.seen.map((s) => s.socket)).size).toBe(1);
      expect(sim.seen[0]!.body).toBe(`key=${SECRET_KEY}&action=balance`);
    } finally {
      await sim.close();
    }
  });

  it("a connection closed after the request was read is unknown: the provider may have acted", async () => {
    const sim = await panel((req) => req.socket.destroy());
    try {
      const err = await failure(client(sim.url).add({ service: 1, link: "https://x.test/a", quantity: 100 }));
      expect(err.kind).toBe("unknown");
      expect(err.message).toMatch(/^Connection lost/);
      expect(sim.seen.length).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it("an answer that never comes is unknown after the timeout", async () => {
    const sim = await panel(() => undefined);
    try {
      const err = await failure(client(sim.url).add({ service: 1, link: "https://x.test/b", quantity: 100 }));
      expect(err.kind).toBe("unknown");
      expect(err.message).toBe("No answer within 300 ms");
    } finally {
      await sim.close();
    }
  });

  it("an https handshake that never ends is transient: no byte of the request could leave", async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((s) => void sockets.push(s));
    const port = await listen(silent);
    try {
      const err = await failure(client(`https://127.0.0.1:${port}/api/v2`).add({ service: 1, link: "https://x.test/c", quantity: 100 }));
      expect(err.kind).toBe("transient");
      expect(err.message).toBe("Could not connect within 300 ms");
    } finally {
      for (const s of sockets) s.destroy();
      await close(silent);
    }
  });

  it("follows a 308 to the same origin with the same form; a 302 is not followed and blocks the provider", async () => {
    const sim = await panel((req, _body, res) => {
      if (req.url === "/api/v2") res.writeHead(308, { location: "/api/v3" }).end();
      else if (req.url === "/api/v3") res.writeHead(200, { "content-type": "application/json" }).end('{"order": 77}');
      else res.writeHead(302, { location: "/api/v3" }).end();
    });
    try {
      expect(await client(sim.url).add({ service: 1, link: "https://x.test/d", quantity: 100 })).toEqual({ order: "77" });
      expect(sim.seen.map((s) => s.url)).toEqual(["/api/v2", "/api/v3"]);
      expect(sim.seen[1]!.body).toBe(sim.seen[0]!.body);
      const err = await failure(client(sim.url.replace("/api/v2", "/moved")).add({ service: 1, link: "https://x.test/d", quantity: 100 }));
      expect(err.kind).toBe("blocked");
      expect(err.message).toMatch(/^HTTP 302/);
      expect(sim.seen.length).toBe(3);
    } finally {
      await sim.close();
    }
  });

  it("never follows a redirect to another host: the key stays with the configured panel", async () => {
    const elsewhere = await panel((_req, _body, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"order": 1}'));
    const sim = await panel((_req, _body, res) => res.writeHead(308, { location: elsewhere.url.replace("127.0.0.1", "localhost") }).end());
    const other = await panel((_req, _body, res) => res.writeHead(307, { location: elsewhere.url }).end());
    try {
      for (const url of [sim.url, other.url]) {
        const err = await failure(client(url).add({ service: 1, link: "https://x.test/e", quantity: 100 }));
        expect(err).toMatchObject({ kind: "blocked", blockCause: "setup" });
      }
      expect(elsewhere.seen.length).toBe(0);
    } finally {
      await Promise.all([sim.close(), other.close(), elsewhere.close()]);
    }
  });

  it("stops reading an answer past its cap: over 1 MB for an add (unknown), up to 16 MB for the catalogue", async () => {
    const big = (bytes: number) =>
      `[${'{"service":1,"name":"Likes","rate":"1","min":"10","max":"100"},'.repeat(Math.ceil(bytes / 64))}{"service":2,"name":"End","rate":"1"}]`;
    const sim = await panel((req, body, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        body.includes("action=add")
          ? `{"order":1,"pad":"${" ".repeat(2 * 1024 * 1024)}"}`
          : big(body.includes("action=services") && req.url === "/huge" ? 20 * 1024 * 1024 : 3 * 1024 * 1024),
      );
    });
    try {
      const err = await failure(client(sim.url).add({ service: 1, link: "https://x.test/f", quantity: 100 }));
      expect(err.kind).toBe("unknown");
      expect(err.message).toMatch(/larger than 1048576 bytes/);
      const c = providerClient(p.ctx(), { id: 1, url: sim.url, apiKey: SECRET_KEY }, { timeoutMs: 5_000, retries: 0, logTo: [] });
      expect((await c.services()).length).toBe(2);
      const huge = providerClient(
        p.ctx(),
        { id: 1, url: sim.url.replace("/api/v2", "/huge"), apiKey: SECRET_KEY },
        { timeoutMs: 5_000, retries: 0, logTo: [] },
      );
      expect(await failure(huge.services())).toMatchObject({ kind: "unknown", message: expect.stringMatching(/larger than 16777216 bytes/) });
    } finally {
      await sim.close();
    }
  });

  it("an invalid URL is transient: nothing was sent", async () => {
    const err = await failure(client("not a url").balance());
    expect(err.kind).toBe("transient");
    expect(err.message).toBe("Invalid provider URL");
  });
});

describeEachDialect("provider URLs on private addresses", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { SMM_API_URL: "https://panel.example/api/v2", PROVIDER_ALLOW_PRIVATE_URLS: "false" });
  });
  afterAll(() => p.close());

  it("are refused before any byte leaves, by address or by a name that resolves to one, unless allowed", async () => {
    expect(p.services.config.PROVIDER_ALLOW_PRIVATE_URLS).toBe(false);
    const sim = await panel((_req, _body, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"balance":"1","currency":"USD"}'));
    try {
      const port = new URL(sim.url).port;
      for (const url of [sim.url, `http://localhost:${port}/api/v2`, `http://[::1]:${port}/api/v2`]) {
        const err = await failure(providerClient(p.ctx(), { id: 1, url, apiKey: SECRET_KEY }, { timeoutMs: 1_000, retries: 0, logTo: [] }).balance());
        expect(err).toMatchObject({ kind: "blocked", blockCause: "setup", message: expect.stringContaining("PROVIDER_ALLOW_PRIVATE_URLS") });
      }
      expect(sim.seen.length).toBe(0);
    } finally {
      await sim.close();
    }
  });
});
