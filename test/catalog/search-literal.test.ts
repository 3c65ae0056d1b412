import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { dbNow } from "../../src/lib/time.ts";

// Searches take % and _ literally in both dialects (SQLite has no default LIKE escape character).
describeEachDialect("admin searches with % and _", (dialect) => {
  let p: TestPlatform;
  let admin: string;
  beforeAll(async () => {
    p = await makePlatform(dialect);
    admin = (await signUpAdmin(p)).token;
    const now = dbNow();
    const prov = await p.services.db
      .insertInto("api_providers")
      .values({ name: "s", url: "http://127.0.0.1:9/api/v2", api_key: "k", created_at: now, updated_at: now })
      .executeTakeFirstOrThrow();
    const cat = await p.services.db.selectFrom("categories").select("id").executeTakeFirstOrThrow();
    for (const [i, name] of ["Likes 100% real", "Likes 1000 fast", "Views_HQ", "Views HQ"].entries()) {
      await p.services.db
        .insertInto("services")
        .values({
          provider_id: Number(prov.insertId),
          provider_service_id: `lit-${i}`,
          category_id: cat.id,
          name,
          provider_rate: 1,
          base_rate: 1,
          rate: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
  });
  afterAll(() => p.close());

  it("finds services by a name containing % or _ and nothing else", async () => {
    const pct = await body(await p.request(`/api/admin/services?search=${encodeURIComponent("100%")}`, { token: admin }));
    expect(pct.data.map((s: { name: string }) => s.name)).toEqual(["Likes 100% real"]);
    const under = await body(await p.request(`/api/admin/services?search=${encodeURIComponent("s_H")}`, { token: admin }));
    expect(under.data.map((s: { name: string }) => s.name)).toEqual(["Views_HQ"]);
  });

  it("finds tickets by a subject containing _ only", async () => {
    const u = await signUp(p);
    for (const subject of ["order_42 missing", "order 42 missing"]) {
      expect(
        (await p.request("/api/tickets", { method: "POST", token: u.token, json: { subject, message: "Bonjour", category: "order", priority: "normal" } }))
          .status,
      ).toBe(201);
    }
    const found = await body(await p.request(`/api/admin/support/tickets?search=${encodeURIComponent("order_")}`, { token: admin }));
    expect(found.data.map((t: { subject: string }) => t.subject)).toEqual(["order_42 missing"]);
  });
});
