import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, reseller, resellerWithSite, siteRow, whiteLabelPlatform } from "./helpers.ts";

describeEachDialect("a reseller only ever touches its own sites", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(() => p.close());

  it("reseller B gets 404 on every endpoint of reseller A's site, and A's site does not change", async () => {
    const a = await resellerWithSite(p);
    const b = await reseller(p, "100000");
    const before = await siteRow(p, a.site.uuid);
    const base = `/api/white-label/sites/${a.site.uuid}`;
    const calls: [string, string, unknown][] = [
      ["GET", base, undefined],
      ["PUT", `${base}/branding`, { name: "Hijacked" }],
      ["PUT", `${base}/pricing`, { default_margin: "1" }],
      ["POST", `${base}/pricing/preview`, { default_margin: "1" }],
      ["PUT", `${base}/domain`, { custom_domain: "hijack.example.com" }],
      ["POST", `${base}/domain/verify`, {}],
      ["POST", `${base}/renew`, {}],
    ];
    for (const [method, path, json] of calls) {
      const res = await p.request(path, { method, token: b.token, json });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await body(res)).error.code).toBe("not_found");
    }
    expect(await siteRow(p, a.site.uuid)).toEqual(before);
    expect(await balanceOf(p, b.user.id)).toBe(100000 * 1_000_000);
    const own = await p.request(base, { token: a.token });
    expect(own.status).toBe(200);
  });

  it("an unknown or malformed site id is a 404 too", async () => {
    const a = await reseller(p);
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1"]) {
      expect((await p.request(`/api/white-label/sites/${id}`, { token: a.token })).status).toBe(404);
    }
  });

  it("the management API is not served on a site's host", async () => {
    const a = await resellerWithSite(p);
    const res = await p.request(`/api/white-label/sites/${a.site.uuid}`, { token: a.token, host: `${a.site.slug}.sites.izyboost.test` });
    expect(res.status).toBe(404);
  });
});
