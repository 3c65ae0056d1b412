import { afterAll, beforeAll, expect, it } from "vitest";
import { anotherInstance, body, describeEachDialect, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { manualClock } from "../harness/clock.ts";
import { RECENT_MS } from "../../src/auth/recent-sessions.ts";
import { insertService, whiteLabelPlatform } from "../white-label/helpers.ts";

// The public catalogue may take a session checked a few seconds ago (src/auth/recent-sessions.ts);
// every other request checks it in the database.
describeEachDialect("sessions checked recently, for the catalogue's prices", (dialect) => {
  const clock = manualClock();
  let p: TestPlatform;
  let admin: { token: string };
  let svc: { id: number };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect, { clock });
    svc = await insertService(p, { rate: "1000" });
    admin = await signUpAdmin(p);
  });
  afterAll(() => p.close());

  const rateOn = async (on: TestPlatform, token: string) => {
    const res = await on.request("/api/services?per_page=500", { token });
    expect(res.status).toBe(200);
    return (await body(res)).data.find((s: { id: number }) => s.id === svc.id)?.rate;
  };
  const withOwnPrice = async () => {
    const u = await signUp(p);
    const res = await p.request(`/api/admin/users/${u.user.id}/prices`, { method: "PUT", token: admin.token, json: { service_id: svc.id, rate: "600" } });
    expect(res.status).toBe(200);
    expect(await rateOn(p, u.token)).toBe("600.00");
    return u;
  };

  it("a sign-out on this instance ends the session for the catalogue at once", async () => {
    const u = await withOwnPrice();
    expect((await p.request("/api/logout", { method: "POST", token: u.token })).status).toBe(200);
    expect(await rateOn(p, u.token)).toBe("1000.00");
  });

  it("a ban on this instance ends it at once too", async () => {
    const u = await withOwnPrice();
    const ban = await p.request(`/api/admin/users/${u.user.id}/toggle-ban`, { method: "POST", token: admin.token, json: { reason: "fraud" } });
    expect(ban.status).toBe(200);
    expect(await rateOn(p, u.token)).toBe("1000.00");
  });

  it("ended on another instance: the catalogue here honours it for a few seconds at most, every other request not at all", async () => {
    const u = await withOwnPrice();
    const other = await anotherInstance(p, {}, { clock });
    try {
      expect((await other.request("/api/logout", { method: "POST", token: u.token })).status).toBe(200);
      // Checked here a moment ago: the catalogue still knows who asks …
      expect(await rateOn(p, u.token)).toBe("600.00");
      // … but the account itself, on this instance, is signed out now.
      expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
      clock.advance(RECENT_MS);
      expect(await rateOn(p, u.token)).toBe("1000.00");
    } finally {
      await other.close();
    }
  });
});
