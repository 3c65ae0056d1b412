import { crc32 } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";
import { settleDispatchKicks } from "../../src/orders/dispatch.ts";
import { ledgerViolations } from "../../src/wallet/ledger.ts";
import { changedTables, countChanges, snapshotter, type Snapshotter } from "./battery.ts";
import { tenants, type Tenants } from "./world.ts";

/** Hostile values for a form field: forms only send text, but any text. */
const HOSTILE_TEXT = [
  "",
  " ",
  "0",
  "-1",
  "1e308",
  "99999999999999999999",
  "12.3456789",
  "NaN",
  "x".repeat(100_000),
  "\u0000",
  "a\u0000b",
  "\ud800𝕏ñ\u202e",
  "<script>alert(1)</script>",
  "__proto__",
  "javascript:alert(1)",
];

/** A PNG whose header claims 100000 × 100000 pixels (a decompression bomb's calling card) and no data. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const type = Buffer.from("IHDR");
  const chunk = Buffer.concat([Buffer.alloc(4), type, ihdr, Buffer.alloc(4)]);
  chunk.writeUInt32BE(13, 0);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, ihdr])), 21);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk]);
}

interface FormRoute {
  /** The page that carries the form (its CSRF token), and where the form posts. */
  page: string;
  action: string;
  fields: Record<string, string>;
}

// Every storefront and white-label page form, fed hostile text: a re-rendered page (or a 4xx), never a 5xx, and a refused form changes nothing.
describeEachDialect("hostile input in web forms", (dialect) => {
  let t: Tenants;
  let snap: Snapshotter;
  let owner: Jar;

  beforeAll(async () => {
    t = await tenants(dialect);
    t.w.p.answerTxt(async () => [["nothing-here"]]);
    snap = await snapshotter(t.w.p.services.db);
    owner = new Jar();
    const login = await get(t.w.p, "izyboost.test", "/login", owner);
    const res = await post(t.w.p, "izyboost.test", "/login", owner, {
      _csrf: csrfFrom(login.html),
      login: t.A.owner.user.username,
      password: "correct-horse-9",
    });
    expect(res.res.status).toBe(303);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Posts each form body; what breaks the promise is collected. A 2xx/3xx answer may change data, a refusal may not. */
  async function fuzzForm(host: string, jar: Jar, route: FormRoute, bodies: { what: string; body: string | FormData; type?: string }[], wrong: string[]) {
    const page = await get(t.w.p, host, route.page, jar);
    expect(page.res.status, route.page).toBe(200);
    const csrf = csrfFrom(page.html);
    let baseline = await snap.counts();
    let digest = await snap.digest();
    for (const b of bodies) {
      let payload = b.body;
      if (typeof payload === "string") payload = payload.replace("CSRF", encodeURIComponent(csrf));
      else payload.set("_csrf", csrf);
      const headers: Record<string, string> = { cookie: jar.header() };
      if (b.type) headers["content-type"] = b.type;
      const res = await t.w.p.request(route.action, { method: "POST", host, headers, body: payload });
      await res.arrayBuffer();
      await settleDispatchKicks(t.w.p.services);
      if (res.status >= 500) wrong.push(`${route.action} ${b.what} → ${res.status}`);
      if (res.status < 400) {
        baseline = await snap.counts();
        digest = await snap.digest();
        continue;
      }
      const changes = countChanges(baseline, await snap.counts());
      const tables = changedTables(digest, await snap.digest());
      if (changes.length || tables.length) wrong.push(`${route.action} ${b.what} → ${res.status} but changed ${[...changes, ...tables].join(", ")}`);
    }
  }

  function hostileBodies(fields: Record<string, string>) {
    const enc = (f: Record<string, string>) => `_csrf=CSRF&${new URLSearchParams(f).toString()}`;
    const out: { what: string; body: string | FormData; type?: string }[] = [
      { what: "no CSRF", body: new URLSearchParams(fields).toString() },
      { what: "duplicated fields", body: `${enc(fields)}&${new URLSearchParams(fields).toString()}` },
      { what: "__proto__ fields", body: `${enc(fields)}&__proto__=x&__proto__%5Badmin%5D=1&constructor%5Bprototype%5D=1` },
      { what: "bad percent-escapes", body: `${enc(fields)}&x=%ZZ&y=%` },
      { what: "multipart without boundary", body: enc(fields), type: "multipart/form-data" },
      {
        what: "truncated multipart",
        body: `--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nCSRF\r\n--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nabc`,
        type: "multipart/form-data; boundary=b",
      },
    ];
    Object.keys(fields).forEach((field) => {
      for (const value of HOSTILE_TEXT) out.push({ what: `${field} = ${JSON.stringify(value).slice(0, 30)}`, body: enc({ ...fields, [field]: value }) });
    });
    return out.map((b) => ({ type: "application/x-www-form-urlencoded", ...b }));
  }

  it("a site customer's forms (order, deposit, ticket, reply) refuse hostile text with a page, never a 5xx, and change nothing", async () => {
    const wrong: string[] = [];
    const c = t.A.customer;
    const method = await t.w.p.services.db.selectFrom("payment_methods").select("code").where("id", "=", t.A.method).executeTakeFirstOrThrow();
    const routes: FormRoute[] = [
      {
        page: "/orders/new",
        action: "/orders",
        fields: { service: String(t.serviceId), link: "https://instagram.com/p/form", quantity: "100", idempotency_key: "", confirm: "yes" },
      },
      { page: "/funds", action: "/funds", fields: { method: method.code, amount: "1000", reference: "FORM-REF-1", phone: "+225 07 00 00 00", confirm: "yes" } },
      { page: "/tickets/new", action: "/tickets", fields: { subject: "Aide", category: "order", message: "Bonjour", order: t.A.order.uuid } },
      { page: `/tickets/${t.A.ticket}`, action: `/tickets/${t.A.ticket}/reply`, fields: { message: "Encore" } },
    ];
    for (const route of routes) await fuzzForm(t.A.host, c.jar, route, hostileBodies(route.fields), wrong);
    const anon = new Jar();
    await fuzzForm(
      t.A.host,
      anon,
      {
        page: "/register",
        action: "/register",
        fields: { username: "form_user", email: "form@example.com", password: "correct-horse-9", password_confirmation: "correct-horse-9" },
      },
      hostileBodies({ username: "form_user", email: "form@example.com", password: "x", password_confirmation: "y" }),
      wrong,
    );
    await fuzzForm(
      t.A.host,
      new Jar(),
      { page: "/login", action: "/login", fields: {} },
      hostileBodies({ login: "nobody", password: "wrong-password", next: "//evil.example" }),
      wrong,
    );
    expect(wrong).toEqual([]);
    expect(await ledgerViolations(t.w.p.ctx())).toEqual([]);
  }, 120_000);

  it("a reseller's white-label forms (purchase, domain, branding, margin, catalogue words, deposit) and the address form refuse hostile text and hostile logos, never a 5xx, and change nothing", async () => {
    const wrong: string[] = [];
    const site = `/white-label/sites/${t.A.uuid}`;
    const routes: FormRoute[] = [
      {
        page: "/white-label",
        action: "/white-label",
        fields: { plan_id: "1", template_id: "1", billing_cycle: "monthly", site_name: "Form shop", slug: "", custom_domain: "", confirm: "yes" },
      },
      { page: site, action: `${site}/domain`, fields: { custom_domain: "form.example.com" } },
      {
        page: site,
        action: `${site}/branding`,
        fields: { name: "Boutique", tagline: "Vite", language: "fr", primary_color: "#123456", accent_color: "#654321", remove_logo: "0" },
      },
      { page: site, action: `${site}/pricing/preview`, fields: { scope: "default", kind: "margin", value: "25" } },
      { page: `${site}/pricing`, action: `${site}/pricing/confirm`, fields: { scope: "default", kind: "margin", value: "25" } },
      {
        page: `${site}/pricing`,
        action: `${site}/pricing/preview`,
        fields: { scope: "category", target: String(t.w.categoryId), kind: "margin", value: "25", f_q: "x", f_page: "2" },
      },
      {
        page: `${site}/catalogue/services/${t.serviceId}`,
        action: `${site}/catalogue/services/${t.serviceId}`,
        fields: { name_fr: "Abonnés", name_en: "Followers", description_fr: "", description_en: "Fast" },
      },
      { page: `${site}/catalogue`, action: `${site}/catalogue/categories/${t.w.categoryId}/feature`, fields: { featured: "1" } },
      { page: `${site}/catalogue`, action: `${site}/catalogue/platforms/other`, fields: { hidden: "0" } },
      { page: site, action: `${site}/deposits/${t.A.deposit.id}`, fields: { action: "bogus" } },
      { page: "/account/settings", action: "/account/email", fields: { new_email: "form-new@example.com", email_password: "correct-horse-9" } },
    ];
    for (const route of routes) await fuzzForm("izyboost.test", owner, route, hostileBodies(route.fields), wrong);
    // Logos that are not images, or images no one should decode.
    const logos: [string, Blob, string][] = [
      ["not an image", new Blob(["hello world"]), "logo.png"],
      ["an empty named file", new Blob([]), "logo.png"],
      ["a truncated PNG", new Blob([new Uint8Array(pngClaiming(64, 64).subarray(0, 20))]), "logo.png"],
      ["a PNG header claiming 100000 × 100000 pixels", new Blob([new Uint8Array(pngClaiming(100_000, 100_000))]), "logo.png"],
      ["an SVG with a script", new Blob(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>']), "logo.svg"],
      ["6 MB of zeros", new Blob([new Uint8Array(6 * 1024 * 1024)]), "logo.png"],
    ];
    const forms = logos.map(([what, blob, name]) => {
      const fd = new FormData();
      fd.set("name", "Boutique");
      fd.set("logo", new File([blob], name, { type: "image/png" }));
      return { what, body: fd };
    });
    const twoLogos = new FormData();
    twoLogos.append("logo", new File(["a"], "a.png"));
    twoLogos.append("logo", new File(["b"], "b.png"));
    await fuzzForm("izyboost.test", owner, { page: site, action: `${site}/branding`, fields: {} }, [...forms, { what: "two logos", body: twoLogos }], wrong);
    // The same logos through the JSON API's multipart branding.
    const before = await snap.digest();
    for (const { what, body } of [...forms, { what: "two logos", body: twoLogos }]) {
      body.delete("_csrf");
      const res = await t.w.p.request(`/api/white-label/sites/${t.A.uuid}/branding`, { method: "PUT", token: t.A.owner.token, body });
      const text = await res.text();
      if (res.status !== 422 && res.status !== 413) wrong.push(`API branding with ${what} → ${res.status} ${text.slice(0, 120)}`);
    }
    expect(changedTables(before, await snap.digest())).toEqual([]);
    expect(wrong).toEqual([]);
  }, 120_000);
});
