import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";

const REDIS = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function readyz(p: TestPlatform) {
  const res = await p.request("/readyz", { host: "10.0.0.7:8000" });
  return { status: res.status, body: await body(res) };
}

/** Redis connects in the background: the first probes may come before it is up. */
async function settled(p: TestPlatform, status: number) {
  for (let i = 0; i < 50; i++) {
    const r = await readyz(p);
    if (r.status === status) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  return readyz(p);
}

describeEachDialect("/readyz: the database and Redis answer", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect, { REDIS_URL: REDIS });
  });
  afterAll(async () => {
    await p.close();
  });

  it("answers 200 on any host when the database and Redis answer, and /healthz says the process is alive", async () => {
    expect(await settled(p, 200)).toEqual({ status: 200, body: { status: "ready", checks: { database: true, redis: true } } });
    expect((await p.request("/healthz", { host: "10.0.0.7:8000" })).status).toBe(200);
  });

  it("answers 503 while the instance drains for a shutdown", async () => {
    const q = await makePlatform(dialect);
    try {
      expect((await readyz(q)).status).toBe(200);
      q.drain();
      expect(await readyz(q)).toEqual({ status: 503, body: { status: "unavailable", checks: { database: true, draining: true } } });
    } finally {
      await q.close();
    }
  });

  it("answers 503 when Redis does not answer", async () => {
    const q = await makePlatform(dialect, { REDIS_URL: "redis://127.0.0.1:1" });
    try {
      expect(await readyz(q)).toEqual({ status: 503, body: { status: "unavailable", checks: { database: true, redis: false } } });
    } finally {
      await q.close();
    }
  });

  it("answers 503 when the database does not answer, and /healthz still 200", async () => {
    const q = await makePlatform(dialect);
    const close = q.close;
    try {
      await q.handle.close();
      expect(await readyz(q)).toEqual({ status: 503, body: { status: "unavailable", checks: { database: false } } });
      expect((await q.request("/healthz")).status).toBe(200);
    } finally {
      await close().catch(() => {});
    }
  });
});
