import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getSettings, putSetting } from "../../src/settings/service.ts";
import { auditRows } from "../harness/audit.ts";
import { decode, startSmtp } from "../harness/smtp.ts";
import { body, describeEachDialect, makePlatform, signUp, signUpAdmin, uniqueName, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, insertSite, Jar, post } from "../storefront/helpers.ts";
import { staffJar, visit } from "./helpers.ts";

describeEachDialect("admin console: settings", (dialect) => {
  let p: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let dataDir: string;
  beforeAll(async () => {
    smtp = await startSmtp();
    // Its own data directory: the platform's logo written here must not show on other suites' platforms.
    dataDir = mkdtempSync(join(tmpdir(), "izy-settings-"));
    p = await makePlatform(dialect, {
      DATA_DIR: dataDir,
      MAIL_HOST: "127.0.0.1",
      MAIL_PORT: String(smtp.port),
      MAIL_ENCRYPTION: "none",
      MAIL_FROM_ADDRESS: "noreply@izyboost.test",
    });
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const save = async (jar: Jar, key: string, value: string | null) => {
    const page = await visit(p, jar, "/admin/settings");
    const fields: Record<string, string> = { _csrf: csrfFrom(page.html) };
    if (value !== null) fields.value = value;
    return post(p, "izyboost.test", `/admin/settings/${key}`, jar, fields);
  };

  it("shows every setting by group with its label and help in both languages, and saves each through the settings verb, audited", async () => {
    const admin = await staffJar(p, "admin");
    const fr = await visit(p, admin.jar, "/admin/settings");
    expect(fr.res.status).toBe(200);
    expect(fr.html).toContain("Marge de la plateforme");
    expect(fr.html).toContain('id="g-referral"');
    expect(fr.html).toContain('value="30"');
    const en = await visit(p, admin.jar, "/admin/settings?lang=en");
    expect(en.html).toContain("Platform margin");
    expect(en.html).toContain("Close the platform for maintenance");
    expect(en.html).toContain("Amount in XOF");

    // A percentage typed the French way, an amount with a grouping space, a switch turned off.
    const margin = await save(admin.jar, "platform_margin_bp", "12,5");
    expect(margin.res.status).toBe(303);
    expect(margin.res.headers.get("location")).toBe("/admin/settings?done=platform_margin_bp#s-platform_margin_bp");
    expect((await save(admin.jar, "min_deposit", "1 000")).res.status).toBe(303);
    expect((await save(admin.jar, "registration_open", "0")).res.status).toBe(303);
    const s = await getSettings(p.ctx());
    expect([s.platform_margin_bp, s.min_deposit, s.registration_open]).toEqual(["1250", "1000", "0"]);
    const after = await visit(p, admin.jar, "/admin/settings?done=platform_margin_bp&lang=en");
    expect(after.html).toContain("The setting “Platform margin” is saved.");
    expect(after.html).toContain('value="12.5"');
    const audit = await auditRows(p, "settings.update", "platform_margin_bp");
    expect(JSON.parse(audit.at(-1)!.data!)).toEqual({ before: "3000", after: "1250" });
    await putSetting(p.ctx(), "registration_open", "1");
  });

  it("a refused value names its field and keeps what was typed; nothing changes", async () => {
    const admin = await staffJar(p, "admin");
    const bad = await save(admin.jar, "referral_level_1_bp", "ten percent");
    expect(bad.res.status).toBe(422);
    expect(bad.html).toContain('id="f-referral_level_1_bp-error"');
    expect(bad.html).toContain('value="ten percent"');
    const tooMuch = await save(admin.jar, "referral_level_1_bp", "49");
    expect(tooMuch.res.status).toBe(422);
    const currency = await save(admin.jar, "currency", "euro");
    expect(currency.res.status).toBe(422);
    expect(currency.html).toContain('id="f-currency-error"');
    expect((await getSettings(p.ctx())).referral_level_1_bp).toBe("1000");
    expect((await getSettings(p.ctx())).currency).toBe("XOF");
    expect((await save(admin.jar, "no_such_setting", "1")).res.status).toBe(404);
    const forged = await post(p, "izyboost.test", "/admin/settings/site_name", admin.jar, { _csrf: "forged", value: "Evil" });
    expect(forged.res.status).toBe(403);
  });

  it("the platform's look is checked like a site's: saved colours and announcement show on its pages; a bad colour names its field", async () => {
    const admin = await staffJar(p, "admin");
    const page = await visit(p, admin.jar, "/admin/settings?lang=en");
    expect(page.html).toContain('id="f-b-primary_color"');
    const fields = { _csrf: csrfFrom(page.html), primary_color: "blue", announcement: "Promo <b>ce soir</b>", show_stats: "0" };
    const refused = await post(p, "izyboost.test", "/admin/settings/platform_branding", admin.jar, fields);
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-b-primary_color-error"');
    expect(refused.html).toContain('value="blue"');
    expect(refused.html).toContain("Promo &lt;b&gt;ce soir&lt;/b&gt;");
    const saved = await post(p, "izyboost.test", "/admin/settings/platform_branding", admin.jar, { ...fields, primary_color: "#123456" });
    expect(saved.res.status).toBe(303);
    const home = await visit(p, new Jar(), "/");
    expect(home.html).toContain("Promo &lt;b&gt;ce soir&lt;/b&gt;");
    expect(home.html).toContain("#123456");
    expect(await auditRows(p, "settings.update", "platform_branding")).toHaveLength(1);
    // The JSON API goes through the same check.
    const api = await p.request("/api/admin/settings/platform_branding", {
      method: "PUT",
      token: admin.token,
      json: { value: { contact_email: "not-an-address" } },
    });
    expect(api.status).toBe(422);
    expect((await body(api)).error.details.contact_email).toBeDefined();
  });

  it("the platform's logo is uploaded like a site's: shown on its pages, served on the platform host only, a bad image refused by name, removable", async () => {
    const admin = await staffJar(p, "admin");
    const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: "#e11d48" } })
      .png()
      .toBuffer();
    const send = async (parts: Record<string, string | Blob>) => {
      const page = await visit(p, admin.jar, "/admin/settings?lang=en");
      const form = new FormData();
      form.set("_csrf", csrfFrom(page.html));
      form.set("primary_color", "#4f46e5");
      for (const [k, v] of Object.entries(parts)) form.set(k, v);
      const res = await p.request("/admin/settings/platform_branding", { method: "POST", body: form, headers: { cookie: admin.jar.header() } });
      return { res, html: await res.text() };
    };
    const refused = await send({ logo: new File([Buffer.from("GIF89a not an image")], "logo.png", { type: "image/png" }), announcement: "Kept" });
    expect(refused.res.status).toBe(422);
    expect(refused.html).toContain('id="f-b-logo-error"');
    expect(refused.html).toContain('value="Kept"');
    expect((await visit(p, new Jar(), "/")).html).not.toContain("/uploads/sites/platform/logo.png");

    expect((await send({ logo: new File([png], "logo.png", { type: "image/png" }) })).res.status).toBe(303);
    const home = await visit(p, new Jar(), "/");
    const src = /src="(\/uploads\/sites\/platform\/logo\.png\?v=\d+)"/.exec(home.html)?.[1];
    expect(src).toBeDefined();
    const image = await p.request(src!);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    const { host } = await insertSite(p);
    expect((await p.request("/uploads/sites/platform/logo.png", { host })).status).toBe(404);
    expect(await auditRows(p, "settings.logo", "platform_logo")).toHaveLength(1);

    // The JSON API: the same verb, multipart; DELETE removes it.
    const bad = await p.request("/api/admin/settings/platform-logo", { method: "POST", token: admin.token, json: { logo: "x" } });
    expect(bad.status).toBe(422);
    expect((await body(bad)).error.details.logo).toBeDefined();
    const removed = await p.request("/api/admin/settings/platform-logo", { method: "DELETE", token: admin.token });
    expect((await body(removed)).data).toEqual({ logo: false });
    expect((await visit(p, new Jar(), "/")).html).not.toContain("/uploads/sites/platform/logo.png");
    const form = new FormData();
    form.set("logo", new File([png], "logo.png", { type: "image/png" }));
    const uploaded = await p.request("/api/admin/settings/platform-logo", { method: "POST", token: admin.token, body: form });
    expect((await body(uploaded)).data).toEqual({ logo: true });
    expect((await send({ remove_logo: "1" })).res.status).toBe(303);
    expect((await visit(p, new Jar(), "/")).html).not.toContain("/uploads/sites/platform/logo.png");
  });

  it("support staff cannot open or change settings; the page 404s on a site host", async () => {
    const support = await staffJar(p, "support");
    expect((await visit(p, support.jar, "/admin/settings")).res.status).toBe(403);
    const res = await post(p, "izyboost.test", "/admin/settings/site_name", support.jar, { _csrf: "x", value: "Mine" });
    expect(res.res.status).toBe(403);
    const admin = await staffJar(p, "admin");
    const { host } = await insertSite(p);
    expect((await visit(p, admin.jar, "/admin/settings", host)).res.status).toBe(404);
    expect((await getSettings(p.ctx())).site_name).toBe("IzyBoost");
  });

  it("the platform's e-mails carry its name setting", async () => {
    const admin = await staffJar(p, "admin");
    expect((await save(admin.jar, "site_name", "PanelPro")).res.status).toBe(303);
    try {
      const username = uniqueName();
      const res = await p.request("/api/register", { method: "POST", json: { username, email: `${username}@example.com`, password: "long-enough-1" } });
      expect(res.status).toBe(201);
      await p.services.mailer.flush();
      // The welcome and the address check: both in the platform's name.
      const mails = smtp.inbox.filter((m) => m.to.includes(`${username}@example.com`)).map((m) => decode(m.raw));
      expect(mails).toHaveLength(2);
      expect(mails.some((text) => text.includes("Bienvenue sur PanelPro"))).toBe(true);
      for (const text of mails) {
        expect(text).toMatch(/From: PanelPro <noreply@izyboost\.test>/);
        expect(text).not.toContain("IzyBoost");
      }
    } finally {
      await putSetting(p.ctx(), "site_name", "IzyBoost");
    }
  });

  it("maintenance closes the platform to everyone but staff (503 page, 503 envelope), staff see a banner, sites only when asked", async () => {
    const admin = await staffJar(p, "admin");
    const customer = await signUp(p);
    const late = await signUpAdmin(p);
    const { host } = await insertSite(p);
    expect((await save(admin.jar, "maintenance_page", "1")).res.status).toBe(303);
    try {
      const closed = await visit(p, new Jar(), "/?lang=en");
      expect(closed.res.status).toBe(503);
      expect(closed.html).toContain("Down for maintenance");
      const api = await p.request("/api/wallet", { token: customer.token });
      expect(api.status).toBe(503);
      expect((await body(api)).error.code).toBe("maintenance");
      expect((await p.request("/api/services")).status).toBe(503);
      // Staff still sign in and work, with a banner.
      const lateJar = new Jar();
      const login = await visit(p, lateJar, "/login");
      expect(login.res.status).toBe(200);
      const signedIn = await post(p, "izyboost.test", "/login", lateJar, { _csrf: csrfFrom(login.html), login: late.user.email, password: late.password });
      expect(signedIn.res.headers.get("location")).toBe("/admin");
      const consolePage = await visit(p, lateJar, "/admin?lang=en");
      expect(consolePage.res.status).toBe(200);
      expect(consolePage.html).toContain("Maintenance mode: visitors see a maintenance page");
      expect((await visit(p, admin.jar, "/")).res.status).toBe(200);
      expect((await p.request("/api/admin/dashboard", { token: admin.token })).status).toBe(200);
      // Sites stay open unless the setting says otherwise.
      expect((await visit(p, new Jar(), "/", host)).res.status).toBe(200);
      await p.request("/api/admin/settings/maintenance_sites", { method: "PUT", token: admin.token, json: { value: "1" } });
      expect((await visit(p, new Jar(), "/", host)).res.status).toBe(503);
      const v2 = await p.request("/api/v2", { method: "POST", host, body: new URLSearchParams({ key: "x", action: "services" }) });
      expect(v2.status).toBe(503);
      expect((await body(v2)).error).toContain("maintenance");
    } finally {
      await putSetting(p.ctx(), "maintenance_page", "0");
      await putSetting(p.ctx(), "maintenance_sites", "0");
    }
    expect((await visit(p, new Jar(), "/")).res.status).toBe(200);
    expect((await p.request("/api/wallet", { token: customer.token })).status).toBe(200);
  });
});
