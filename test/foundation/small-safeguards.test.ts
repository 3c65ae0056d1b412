import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, signUp, type TestPlatform } from "../harness/platform.ts";
import { balanceOf, purchase, reseller, whiteLabelPlatform } from "../white-label/helpers.ts";
import { parseMoney } from "../../src/money/money.ts";

describeEachDialect("small safeguards: caching of JSON, request ids, ticket subjects, look-alike site slugs", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(() => p.close());

  it("JSON answers, successes and errors, carry Cache-Control: no-store; pages keep their own policy", async () => {
    const u = await signUp(p);
    for (const res of [
      await p.request("/api/me", { token: u.token }),
      await p.request("/api/me"),
      await p.request("/api/nothing-here"),
      await p.request("/api/services?per_page=1"),
    ]) {
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    const home = await p.request("/");
    expect(home.headers.get("content-type")).toContain("text/html");
    expect(home.headers.get("cache-control")).toBe("no-cache");
  });

  it("echoes a client's X-Request-Id only when it is a plain token, else answers a fresh id", async () => {
    const plain = await p.request("/api/services?per_page=1", { headers: { "x-request-id": "edge-01.abc_DEF" } });
    expect(plain.headers.get("x-request-id")).toBe("edge-01.abc_DEF");
    for (const bad of ["a b", "id\u00e9", "<script>", "%0d%0aSet-Cookie:x", "a".repeat(65), "id;drop"]) {
      const res = await p.request("/api/nothing-here", { headers: { "x-request-id": bad } });
      const echoed = res.headers.get("x-request-id");
      expect(echoed).not.toBe(bad);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      expect((await body(res)).error.request_id).toBe(echoed);
    }
  });

  it("refuses ticket subjects with control or text-direction characters (422 naming the field)", async () => {
    const u = await signUp(p);
    for (const subject of ["Refund \u202eexe.pdf", "Hello\u0007 there", "Line\u0085break", "Isolate \u2066x\u2069 here", "Tab\there"]) {
      const res = await p.request("/api/tickets", { method: "POST", token: u.token, json: { subject, message: "Please help" } });
      expect(res.status).toBe(422);
      expect(Object.keys((await body(res)).error.details)).toEqual(["subject"]);
    }
    const ok = await p.request("/api/tickets", {
      method: "POST",
      token: u.token,
      json: { subject: "Commande en retard — « urgent » 😊", message: "Please help" },
    });
    expect(ok.status).toBe(201);
    const count = await p.services.db
      .selectFrom("tickets")
      .select((e) => e.fn.countAll<number>().as("n"))
      .where("user_id", "=", u.user.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it("refuses site slugs that imitate the platform's name at purchase, without charging", async () => {
    const buyer = await reseller(p, "50000");
    for (const slug of ["izyboost", "izyboost-officiel", "izy-boost", "izy-boost-shop", "i-z-y-b-o-o-s-t", "shop-izyboost"]) {
      const res = await purchase(p, buyer.token, { slug });
      expect(res.res.status).toBe(422);
      expect(Object.keys(res.body.error.details)).toEqual(["slug"]);
    }
    expect(await balanceOf(p, buyer.user.id)).toBe(parseMoney("50000"));
    expect((await purchase(p, buyer.token, { slug: `izy-shop-${Date.now().toString(36)}` })).res.status).toBe(201);
  });
});
