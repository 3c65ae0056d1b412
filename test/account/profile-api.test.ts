import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";

describeEachDialect("a user's profile over the API", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  const put = (token: string, json: unknown) => p.request("/api/user/profile", { method: "PUT", token, json });

  it("saves full name, phone and language, and reads them back", async () => {
    const u = await signUp(p);
    expect((await body(await p.request("/api/user/profile", { token: u.token }))).data).toEqual({ full_name: null, phone: null, language: "fr" });
    const res = await put(u.token, { full_name: "  Awa Koné ", phone: "+225 07 12 34 56", language: "en" });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toEqual({ full_name: "Awa Koné", phone: "+225 07 12 34 56", language: "en" });
    expect((await body(await p.request("/api/user/profile", { token: u.token }))).data).toEqual({
      full_name: "Awa Koné",
      phone: "+225 07 12 34 56",
      language: "en",
    });
    expect((await body(await p.request("/api/me", { token: u.token }))).data).toMatchObject({ full_name: "Awa Koné", language: "en" });
    // A field left out stays; an emptied one is removed.
    expect((await body(await put(u.token, { phone: "" }))).data).toEqual({ full_name: "Awa Koné", phone: null, language: "en" });
  });

  it("refuses bad values with 422 naming each field, and changes nothing", async () => {
    const u = await signUp(p);
    await put(u.token, { full_name: "Awa", phone: "+225 01 02 03 04" });
    const res = await put(u.token, { full_name: "x".repeat(121), phone: "call me", language: "de" });
    expect(res.status).toBe(422);
    const details = (await body(res)).error.details;
    expect(Object.keys(details).sort()).toEqual(["full_name", "language", "phone"]);
    expect((await put(u.token, { full_name: "A\u202eB" })).status).toBe(422);
    expect((await body(await p.request("/api/user/profile", { token: u.token }))).data).toEqual({
      full_name: "Awa",
      phone: "+225 01 02 03 04",
      language: "fr",
    });
  });

  it("only ever changes the caller's own profile", async () => {
    const a = await signUp(p);
    const b = await signUp(p);
    await put(a.token, { full_name: "Only A" });
    expect((await body(await p.request("/api/user/profile", { token: b.token }))).data.full_name).toBeNull();
    expect((await p.request("/api/user/profile", { method: "PUT", json: { full_name: "Nobody" } })).status).toBe(401);
  });
});
