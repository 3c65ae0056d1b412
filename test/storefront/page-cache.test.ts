import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { get, insertCatalog, insertSite, Jar } from "./helpers.ts";

describeEachDialect("the public page cache never keeps a flash message", (dialect) => {
  let p: TestPlatform;
  let site: Awaited<ReturnType<typeof insertSite>>;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    await insertCatalog(p, [{ name: "Followers Alpha", rate: "1000" }]);
    site = await insertSite(p, { theme: "aurora" });
  });
  afterAll(() => p.close());

  it("after one visitor's logout, the next anonymous visitors do not see 'Vous êtes déconnecté'", async () => {
    for (const host of [site.host, "izyboost.test"]) {
      const leaving = await get(p, host, "/?flash=logged_out", new Jar());
      expect(leaving.res.status).toBe(200);
      expect(leaving.html).toContain("Vous êtes déconnecté");
      expect(leaving.res.headers.get("cache-control")).toContain("no-store");
      for (let i = 0; i < 2; i++) {
        const next = await get(p, host, "/", new Jar());
        expect(next.res.status).toBe(200);
        expect(next.html).not.toContain("Vous êtes déconnecté");
      }
    }
  });

  it("a visitor arriving with a flash sees it even when the page is already cached", async () => {
    const first = await get(p, site.host, "/services", new Jar());
    expect(first.html).not.toContain("Vous êtes déconnecté");
    const flashed = await get(p, site.host, "/services?flash=logged_out", new Jar());
    expect(flashed.html).toContain("Vous êtes déconnecté");
    expect((await get(p, site.host, "/services", new Jar())).html).not.toContain("Vous êtes déconnecté");
  });
});
