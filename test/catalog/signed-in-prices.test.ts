import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { listPricedServices } from "../../src/catalog/prices.ts";
import { insertService, resellerWithSite, siteRow, whiteLabelPlatform } from "../white-label/helpers.ts";

// The signed-in catalogue comes from a cache keyed by the prices that apply to the user (src/catalog/prices.ts).
describeEachDialect("signed-in catalogue prices", (dialect) => {
  let p: TestPlatform;
  let admin: { token: string };
  let svc: { id: number };
  let other: { id: number };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    svc = await insertService(p, { rate: "1000" });
    other = await insertService(p, { rate: "2000" });
    admin = await signUpAdmin(p);
  });
  afterAll(() => p.close());

  const ratesOf = async (token?: string): Promise<Map<number, string>> => {
    const res = await p.request("/api/services?per_page=500", { token });
    expect(res.status).toBe(200);
    return new Map((await body(res)).data.map((s: { id: number; rate: string }) => [s.id, s.rate]));
  };
  const rateOf = async (token: string | undefined, serviceId = svc.id) => (await ratesOf(token)).get(serviceId);
  const setPrice = async (userId: number, serviceId: number, rate: string) => {
    const res = await p.request(`/api/admin/users/${userId}/prices`, { method: "PUT", token: admin.token, json: { service_id: serviceId, rate } });
    expect(res.status).toBe(200);
  };
  const removePrice = async (userId: number, serviceId: number) => {
    const res = await p.request(`/api/admin/users/${userId}/prices/${serviceId}`, { method: "DELETE", token: admin.token });
    expect(res.status).toBe(200);
  };

  it("users with different own prices each see theirs, everyone else the platform's, request after request", async () => {
    const [a, b, c] = [await signUp(p), await signUp(p), await signUp(p)];
    await setPrice(a.user.id, svc.id, "600");
    await setPrice(b.user.id, svc.id, "700");
    await setPrice(b.user.id, other.id, "1500");
    // Twice in turn: the second round is answered from the cache, each from the entry of their own prices.
    for (let round = 0; round < 2; round++) {
      const [onA, onB, onC, anonymous] = [await ratesOf(a.token), await ratesOf(b.token), await ratesOf(c.token), await ratesOf()];
      expect([onA.get(svc.id), onA.get(other.id)]).toEqual(["600.00", "2000.00"]);
      expect([onB.get(svc.id), onB.get(other.id)]).toEqual(["700.00", "1500.00"]);
      expect([onC.get(svc.id), onC.get(other.id)]).toEqual(["1000.00", "2000.00"]);
      expect([anonymous.get(svc.id), anonymous.get(other.id)]).toEqual(["1000.00", "2000.00"]);
    }
  });

  it("a user's price set, changed or removed is seen on their next request, and by no one else", async () => {
    const [u, v] = [await signUp(p), await signUp(p)];
    expect([await rateOf(u.token), await rateOf(v.token), await rateOf(undefined)]).toEqual(["1000.00", "1000.00", "1000.00"]);
    await setPrice(u.user.id, svc.id, "800");
    expect([await rateOf(u.token), await rateOf(v.token), await rateOf(undefined)]).toEqual(["800.00", "1000.00", "1000.00"]);
    await setPrice(u.user.id, svc.id, "850.5");
    expect([await rateOf(u.token), await rateOf(v.token)]).toEqual(["850.50", "1000.00"]);
    await removePrice(u.user.id, svc.id);
    expect([await rateOf(u.token), await rateOf(v.token)]).toEqual(["1000.00", "1000.00"]);
  });

  it("users with the same own prices share them, and one's change leaves the other's as it was", async () => {
    const [a, d] = [await signUp(p), await signUp(p)];
    await setPrice(a.user.id, svc.id, "600");
    await setPrice(d.user.id, svc.id, "600");
    expect([await rateOf(a.token), await rateOf(d.token)]).toEqual(["600.00", "600.00"]);
    await setPrice(d.user.id, svc.id, "650");
    expect([await rateOf(a.token), await rateOf(d.token)]).toEqual(["600.00", "650.00"]);
  });

  it("answers from the cache: a price written behind the app's back shows once a catalogue change is announced", async () => {
    const u = await signUp(p);
    await setPrice(u.user.id, svc.id, "900");
    expect(await rateOf(u.token)).toBe("900.00");
    await p.services.db.updateTable("service_prices_override").set({ rate: 950_000_000 }).where("user_id", "=", u.user.id).execute();
    expect(await rateOf(u.token)).toBe("900.00");
    // What another instance's change raises here through the cache bus (src/app/cache-bus.ts).
    p.services.events.catalogChanged();
    expect(await rateOf(u.token)).toBe("950.00");
  });

  it("a site's prices follow its owner's own price; a customer's or another owner's never reach it", async () => {
    const owner = await resellerWithSite(p);
    const another = await resellerWithSite(p);
    const siteCosts = async (uuid: string) => {
      const site = await siteRow(p, uuid);
      return new Map((await listPricedServices(p.ctx({ kind: "site", siteId: site.id, site }))).map((s) => [s.id, s.cost]));
    };
    expect((await siteCosts(owner.site.uuid)).get(svc.id)).toBe(1_000_000_000);
    await setPrice(owner.user.id, svc.id, "500");
    expect((await siteCosts(owner.site.uuid)).get(svc.id)).toBe(500_000_000);
    expect((await siteCosts(another.site.uuid)).get(svc.id)).toBe(1_000_000_000);
    // The owner's own price is theirs on the platform; on the site's host no platform catalogue answers, signed in or not.
    expect(await rateOf(owner.token)).toBe("500.00");
    expect(await rateOf(another.token)).toBe("1000.00");
    const host = `${owner.site.slug}.sites.izyboost.test`;
    expect((await p.request("/api/services", { host, token: owner.token })).status).toBe(404);
    expect((await p.request("/api/services", { host })).status).toBe(404);
    await setPrice(another.user.id, svc.id, "400");
    expect((await siteCosts(owner.site.uuid)).get(svc.id)).toBe(500_000_000);
    expect((await siteCosts(another.site.uuid)).get(svc.id)).toBe(400_000_000);
  });
});
