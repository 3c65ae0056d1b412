import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { productionPlatformEnv } from "../production/env.ts";
import { toDbTime } from "../../src/lib/time.ts";
import { parseMoney } from "../../src/money/money.ts";
import { SITES, balanceOf, planBySlug, purchase, reseller, resellerWithSite, siteRow, whiteLabelPlatform } from "./helpers.ts";

const dnsError = (code: string) => Object.assign(new Error(code), { code });

describeEachDialect("custom domains and the TLS ask endpoint", (dialect) => {
  let p: TestPlatform;
  const asked: string[] = [];
  let records: Record<string, string[][]> = {};
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    p.answerTxt(async (name) => {
      asked.push(name);
      if (name.includes("servfail")) throw dnsError("ESERVFAIL");
      if (!records[name]) throw dnsError("ENODATA");
      return records[name]!;
    });
  });
  afterEach(() => {
    records = {};
  });
  afterAll(() => p.close());

  const setDomain = (uuid: string, token: string, custom_domain: string | null) =>
    p.request(`/api/white-label/sites/${uuid}/domain`, { method: "PUT", token, json: { custom_domain } });
  const verify = (uuid: string, token: string) => p.request(`/api/white-label/sites/${uuid}/domain/verify`, { method: "POST", token });
  const ask = (domain: string, ip?: string) => p.request(`/internal/tls/ask?domain=${encodeURIComponent(domain)}`, { host: "127.0.0.1:8000", ip });
  const home = async (host: string) => (await p.request("/", { host })).text();

  it("serves the site on its custom domain only once the TXT record proves ownership", async () => {
    const a = await resellerWithSite(p);
    const domain = `${uniqueName("shop")}.example.com`;
    const set = await setDomain(a.site.uuid, a.token, domain);
    expect(set.status).toBe(200);
    const d = (await body(set)).data.domain;
    expect(d.status).toBe("pending");
    expect(d.txt_record.name).toBe(`_izyboost.${domain}`);
    const expected = d.txt_record.value as string;
    expect(expected).toMatch(/^izyboost-verify=[0-9a-f]{32}$/);
    expect(await home(domain)).toContain("Site introuvable");
    expect((await ask(domain)).status).toBe(404);

    const none = await verify(a.site.uuid, a.token);
    expect(none.status).toBe(422);
    const noneErr = (await body(none)).error;
    expect(noneErr.details.expected[0]).toContain(expected);
    expect(noneErr.details.found).toEqual([]);
    expect(asked).toContain(`_izyboost.${domain}`);

    records[`_izyboost.${domain}`] = [["izyboost-verify=not-the-token"], ["v=spf1 -all"]];
    const wrong = await verify(a.site.uuid, a.token);
    expect(wrong.status).toBe(422);
    expect((await body(wrong)).error.details.found).toEqual(["izyboost-verify=not-the-token", "v=spf1 -all"]);
    expect((await siteRow(p, a.site.uuid)).domain_verified_at).toBeNull();

    // Long TXT values arrive in chunks; they are joined before comparing.
    records[`_izyboost.${domain}`] = [["v=spf1 -all"], [expected.slice(0, 20), expected.slice(20)]];
    const ok = await verify(a.site.uuid, a.token);
    expect(ok.status).toBe(200);
    const verified = (await body(ok)).data;
    expect(verified.domain.status).toBe("verified");
    expect(verified.url).toBe(`https://${domain}`);
    const served = await p.request("/", { host: domain });
    expect(served.status).toBe(200);
    expect(await served.text()).toContain("Boutique Test");
    expect((await ask(domain)).status).toBe(200);

    const cleared = await setDomain(a.site.uuid, a.token, null);
    expect((await body(cleared)).data.domain.status).toBe("none");
    expect(await home(domain)).toContain("Site introuvable");
    expect((await ask(domain)).status).toBe(404);
  });

  it("a DNS failure is a 422 that says so, not a 500", async () => {
    const a = await resellerWithSite(p);
    await setDomain(a.site.uuid, a.token, `servfail-${uniqueName()}.example.com`);
    const res = await verify(a.site.uuid, a.token);
    expect(res.status).toBe(422);
    expect((await body(res)).error.code).toBe("domain_lookup_failed");
  });

  it("a verified domain cannot be claimed by another site", async () => {
    const a = await resellerWithSite(p);
    const domain = `${uniqueName("v")}.example.org`;
    const { domain: d } = (await body(await setDomain(a.site.uuid, a.token, domain))).data;
    records[`_izyboost.${domain}`] = [[d.txt_record.value]];
    expect((await verify(a.site.uuid, a.token)).status).toBe(200);
    const b = await resellerWithSite(p);
    const taken = await setDomain(b.site.uuid, b.token, domain);
    expect(taken.status).toBe(422);
    expect((await body(taken)).error.details.custom_domain).toBeDefined();
  });

  it("a domain pending verification for one site cannot be taken over or reset by another (409); its own site may retry", async () => {
    const b = await resellerWithSite(p);
    const domain = `${uniqueName("pd")}.example.net`;
    const claimed = (await body(await setDomain(b.site.uuid, b.token, domain))).data.domain;
    expect(claimed.status).toBe("pending");
    const before = await siteRow(p, b.site.uuid);

    const c = await resellerWithSite(p, "100000");
    const takeover = await setDomain(c.site.uuid, c.token, domain);
    expect(takeover.status).toBe(409);
    expect((await body(takeover)).error.details.custom_domain).toBeDefined();
    const buyer = await reseller(p, "100000");
    const bought = await purchase(p, buyer.token, { custom_domain: domain });
    expect(bought.res.status).toBe(409);
    expect((await p.services.db.selectFrom("white_label_sites").select("id").where("owner_id", "=", buyer.user.id).execute()).length).toBe(0);
    expect(await balanceOf(p, buyer.user.id)).toBe(parseMoney("100000"));
    const after = await siteRow(p, b.site.uuid);
    expect(after.custom_domain).toBe(domain);
    expect(after.domain_token).toBe(before.domain_token);
    expect((await siteRow(p, c.site.uuid)).custom_domain).toBeNull();

    // The claiming site retries: the same domain again keeps its record, and verification succeeds.
    expect((await setDomain(b.site.uuid, b.token, domain)).status).toBe(200);
    expect((await verify(b.site.uuid, b.token)).status).toBe(422);
    records[`_izyboost.${domain}`] = [[claimed.txt_record.value]];
    expect((await verify(b.site.uuid, b.token)).status).toBe(200);
  });

  it("an unverified claim lapses after 7 days: another site may then take the domain", async () => {
    const b = await resellerWithSite(p);
    const domain = `${uniqueName("sq")}.example.net`;
    expect((await setDomain(b.site.uuid, b.token, domain)).status).toBe(200);
    const c = await resellerWithSite(p);
    expect((await setDomain(c.site.uuid, c.token, domain)).status).toBe(409);
    const eightDaysAgo = toDbTime(new Date(Date.now() - 8 * 86_400_000));
    await p.services.db.updateTable("white_label_sites").set({ domain_claimed_at: eightDaysAgo }).where("uuid", "=", b.site.uuid).execute();
    expect((await setDomain(c.site.uuid, c.token, domain)).status).toBe(200);
    expect((await siteRow(p, b.site.uuid)).custom_domain).toBeNull();
    expect((await siteRow(p, c.site.uuid)).custom_domain).toBe(domain);
  });

  it("refuses a custom domain on a plan without it, and the platform's own names", async () => {
    const owner = await reseller(p, "20000");
    const starter = await planBySlug(p, "starter");
    const site = (await purchase(p, owner.token, { plan_id: starter.id })).body.data;
    expect((await setDomain(site.uuid, owner.token, "mine.example.com")).status).toBe(422);
    const a = await resellerWithSite(p);
    for (const bad of [`x.${SITES}`, "izyboost.test", "www.izyboost.test", "10.0.0.1", "nodot"]) {
      expect((await setDomain(a.site.uuid, a.token, bad)).status, bad).toBe(422);
    }
  });

  it("the TLS ask endpoint answers loopback only, for serving sites only", async () => {
    const a = await resellerWithSite(p);
    const slugHost = `${a.site.slug}.${SITES}`;
    expect((await ask(slugHost)).status).toBe(200);
    expect((await ask(`${slugHost.toUpperCase()}.`)).status).toBe(200);
    expect((await ask(`nobody-${uniqueName()}.${SITES}`)).status).toBe(404);
    expect((await ask("unknown.example.com")).status).toBe(404);
    expect((await ask("")).status).toBe(404);
    expect((await ask(slugHost, "203.0.113.7")).status).toBe(403);
    expect((await p.request(`/internal/tls/ask?domain=${slugHost}`, { host: "izyboost.test", ip: "::1" })).status).toBe(200);
    await p.services.db.updateTable("white_label_sites").set({ status: "suspended" }).where("uuid", "=", a.site.uuid).execute();
    expect((await ask(slugHost)).status).toBe(404);
    await p.services.db.updateTable("white_label_sites").set({ status: "grace" }).where("uuid", "=", a.site.uuid).execute();
    expect((await ask(slugHost)).status).toBe(200);
  });
});

describeEachDialect("the TLS ask endpoint in production", (dialect) => {
  it("answers on 127.0.0.1 even though that is not a platform host in production", async () => {
    const p = await makePlatform(dialect, productionPlatformEnv());
    try {
      const a = await resellerWithSite(p);
      expect((await p.request("/api/me", { host: "127.0.0.1:8000" })).status).toBe(404);
      expect((await p.request(`/internal/tls/ask?domain=${a.site.slug}.${SITES}`, { host: "127.0.0.1:8000" })).status).toBe(200);
    } finally {
      await p.close();
    }
  });

  it("answers Caddy in its own container when that container is a trusted proxy, and no other address", async () => {
    const p = await makePlatform(dialect, productionPlatformEnv({ TRUSTED_PROXIES: "172.18.0.0/16" }));
    try {
      const a = await resellerWithSite(p);
      const ask = (ip: string) => p.request(`/internal/tls/ask?domain=${a.site.slug}.${SITES}`, { host: "app:8000", ip });
      expect((await ask("172.18.0.5")).status).toBe(200);
      expect((await ask("172.19.0.5")).status).toBe(403);
    } finally {
      await p.close();
    }
  });
});
