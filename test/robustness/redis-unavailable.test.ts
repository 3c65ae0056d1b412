import { createServer } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { registerUser } from "../../src/auth/service.ts";
import { createSession } from "../../src/auth/session.ts";
import { body, describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";

/** A loopback port nothing listens on: a Redis that is down. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describeEachDialect("a shared Redis that does not answer", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { REDIS_URL: `redis://127.0.0.1:${await closedPort()}/0` });
  });
  afterAll(() => p?.close());

  it("makes the rate-limited API answer 503 with Retry-After in the error envelope, never 500", async () => {
    const user = await registerUser(p.ctx(), { username: "noredis", email: "noredis@example.com", password: "correct-horse-9", welcome: false });
    const { token } = await createSession(p.ctx(), user.id);
    const res = await p.request("/api/wallet", { token });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await body(res)).error).toMatchObject({ code: "service_unavailable" });
  });
});
