import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anotherInstance,
  body,
  describeEachDialect,
  makePlatform,
  redisAnswers,
  redisForDialect,
  SITES,
  signUp,
  signUpAdmin,
  type TestPlatform,
} from "../harness/platform.ts";
import { get, Jar, registerThroughForm } from "../storefront/helpers.ts";
import { resellerWithSite } from "../white-label/helpers.ts";

// Its own Redis database, so a suite running beside it (another worker) never shares its keys or channel.
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/3";

const available = await redisAnswers(REDIS_URL);

/** Resolves when fn's event is raised on the instance (or fails after a while). */
function raised(subscribe: (fn: () => void) => void, what: string, ms = 3_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: not raised within ${ms} ms`)), ms);
    subscribe(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const freshIp = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

/** Each request from its own address unless it names one: setting up (sign-ups, sites) stays clear of the sign-in limit under test. */
function manyVisitors(p: TestPlatform): TestPlatform {
  return { ...p, request: (path, init = {}) => p.request(path, { ...init, ip: init.ip ?? freshIp() }) };
}

// Two instances behind a load balancer: one database, one Redis, their own memory each.
describeEachDialect("several instances", (dialect) => {
  const REDIS = redisForDialect(REDIS_URL, dialect);
  describe.skipIf(!available)(
    available ? "two instances on one database and one Redis" : `skipped: no Redis at ${REDIS_URL} (start one, or set TEST_REDIS_URL)`,
    () => {
      const env = { REDIS_URL: REDIS, LOGIN_RATE_LIMIT_PER_MINUTE: "3", LOGIN_FAILURES_PER_ACCOUNT: "3" };
      let a: TestPlatform;
      let b: TestPlatform;
      let redis: Redis;
      beforeAll(async () => {
        a = manyVisitors(await makePlatform(dialect, env, { cacheCheckMs: 100 }));
        b = manyVisitors(await anotherInstance(a, env, { cacheCheckMs: 100 }));
        redis = new Redis(REDIS);
      });
      afterAll(async () => {
        redis?.disconnect();
        await b?.close();
        await a?.close();
      });

      it("a site's new name, saved through instance A, is on instance B's cached storefront at the next request", async () => {
        const owner = await resellerWithSite(a);
        const host = `${owner.site.slug}.${SITES}`;
        const before = await get(b, host, "/", new Jar());
        expect(before.html).toContain("Boutique Test");
        // B now serves the page from its own memory.
        expect((await get(b, host, "/", new Jar())).html).toContain("Boutique Test");

        const heardOnB = raised((fn) => b.services.events.onSiteChanged(fn), "siteChanged on B");
        const saved = await a.request(`/api/white-label/sites/${owner.site.uuid}/branding`, {
          method: "PUT",
          token: owner.token,
          json: { name: "Boost Abidjan" },
        });
        expect(saved.status).toBe(200);
        await heardOnB;
        const after = await get(b, host, "/", new Jar());
        expect(after.html).toContain("Boost Abidjan");
        expect(after.html).not.toContain("Boutique Test");
      });

      it("the platform's new name, set by an admin on A, is on B's cached platform home at the next request", async () => {
        const admin = await signUpAdmin(a);
        expect((await get(b, "izyboost.test", "/", new Jar())).html).toContain("IzyBoost");
        const name = `Izy ${randomBytes(3).toString("hex")}`;
        const heardOnB = raised((fn) => b.services.events.onSiteChanged(fn), "siteChanged on B");
        try {
          expect((await a.request("/api/admin/settings/site_name", { method: "PUT", token: admin.token, json: { value: name } })).status).toBe(200);
          await heardOnB;
          // B's settings were read a moment ago and would still be fresh for a few seconds: the change drops them too.
          expect((await get(b, "izyboost.test", "/", new Jar())).html).toContain(name);
        } finally {
          await a.request("/api/admin/settings/site_name", { method: "PUT", token: admin.token, json: { value: "IzyBoost" } });
        }
      });

      it("a lost announcement does not keep a stale page: B sees the shared counter ahead and drops its caches", async () => {
        const owner = await resellerWithSite(a);
        const host = `${owner.site.slug}.${SITES}`;
        expect((await get(b, host, "/", new Jar())).html).toContain("Boutique Test");
        // What an instance whose message never arrived leaves: the change in the database and the counter moved on.
        await a.services.db.updateTable("white_label_sites").set({ name: "Nouveau Nom" }).where("uuid", "=", owner.site.uuid).execute();
        const dropped = raised((fn) => b.services.events.onAllChanged(fn), "allChanged on B");
        expect((await get(b, host, "/", new Jar())).html).toContain("Boutique Test");
        await redis.incr("izy:cache:version");
        await dropped;
        expect((await get(b, host, "/", new Jar())).html).toContain("Nouveau Nom");
      });

      it("a session opened on A works on B, and signing out on B ends it on A", async () => {
        const u = await signUp(a);
        const me = await b.request("/api/me", { token: u.token });
        expect(me.status).toBe(200);
        expect((await body(me)).data.username).toBe(u.user.username);
        expect((await b.request("/api/logout", { method: "POST", token: u.token })).status).toBe(200);
        expect((await a.request("/api/me", { token: u.token })).status).toBe(401);
      });

      it("a customer signed in on a storefront through A keeps the session cookie on B", async () => {
        const owner = await resellerWithSite(a);
        const host = `${owner.site.slug}.${SITES}`;
        const customer = await registerThroughForm(a, host);
        const page = await get(b, host, "/account/settings", customer.jar);
        expect(page.res.status).toBe(200);
        expect(page.html).toContain(customer.username);
      });

      it("sign-in attempts from one address count on both instances against one limit", async () => {
        const ip = freshIp();
        const login = `nobody-${randomBytes(6).toString("hex")}@example.com`;
        const attempt = (p: TestPlatform) => p.request("/api/login", { method: "POST", ip, json: { login, password: "wrong-password" } });
        expect([(await attempt(a)).status, (await attempt(b)).status, (await attempt(a)).status]).toEqual([401, 401, 401]);
        const fourth = await attempt(b);
        expect(fourth.status).toBe(429);
        expect((await body(fourth)).error.code).toBe("rate_limited");
      });

      it("failed sign-ins of one account from many addresses count on both instances", async () => {
        const u = await signUp(a);
        // Counters outlive a test database in the shared Redis: an earlier run's account with the same id may have left some.
        const stale: string[] = [];
        for await (const keys of redis.scanStream({ match: `izy:rl:*:0:u:${u.user.id}`, count: 1000 })) stale.push(...(keys as string[]));
        if (stale.length) await redis.del(...stale);
        const attempt = (p: TestPlatform, password: string) =>
          p.request("/api/login", { method: "POST", ip: freshIp(), json: { login: u.user.email, password } });
        expect([(await attempt(a, "wrong-1")).status, (await attempt(b, "wrong-2")).status, (await attempt(a, "wrong-3")).status]).toEqual([401, 401, 401]);
        // Even the right password waits: the account is throttled on every instance.
        expect((await attempt(b, u.password)).status).toBe(429);
      });
    },
  );
});
