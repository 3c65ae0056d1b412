import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, signUpAdmin, type TestPlatform } from "../harness/platform.ts";

const langLink = (html: string, lang: string) => new RegExp(`href="([^"]*lang=${lang}[^"]*)"`).exec(html)?.[1]?.replaceAll("&amp;", "&") ?? "";

// Switching language keeps what the visitor was looking at: a signed-in page keeps every filter in
// its language links; a public page, shared by every visitor, keeps only the parameters it reads.
describeEachDialect("language links keep the page's filters", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("a console list keeps its filters and page, drops a one-time notice", async () => {
    const admin = await signUpAdmin(p);
    const res = await p.request("/admin/users?search=awa&role=user&from=2026-01-01&page=2&done=saved&lang=fr", { token: admin.token });
    expect(res.status).toBe(200);
    const link = new URL(langLink(await res.text(), "en"), "http://x");
    expect(link.pathname).toBe("/admin/users");
    expect(Object.fromEntries(link.searchParams)).toEqual({ search: "awa", role: "user", from: "2026-01-01", page: "2", lang: "en" });
  });

  it("a public page keeps only what it reads, so its shared copy cannot carry a visitor's parameters", async () => {
    const res = await p.request("/services?q=likes&utm_source=spam&lang=fr");
    const link = new URL(langLink(await res.text(), "en"), "http://x");
    expect(Object.fromEntries(link.searchParams)).toEqual({ q: "likes", lang: "en" });
  });
});
