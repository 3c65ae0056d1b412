import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, type TestPlatform } from "../harness/platform.ts";
import { resellerWithSite, siteRow, whiteLabelPlatform } from "./helpers.ts";

const image = (width: number, height: number, format: "png" | "jpeg" | "webp") =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    [format]()
    .toBuffer();

function form(fields: Record<string, string>, logo?: { bytes: Buffer; name: string; type: string }): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  if (logo) fd.set("logo", new File([new Uint8Array(logo.bytes)], logo.name, { type: logo.type }));
  return fd;
}

describeEachDialect("site branding", (dialect) => {
  let p: TestPlatform & { dataDir: string };
  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
  });
  afterAll(() => p.close());

  const put = (uuid: string, token: string, init: { json?: unknown; body?: FormData }) =>
    p.request(`/api/white-label/sites/${uuid}/branding`, { method: "PUT", token, ...init });
  const uploads = (uuid: string, file: string) => join(p.dataDir, "uploads", "sites", uuid, file);

  it("updates the common fields as JSON, bumps content_version and keeps what was not sent", async () => {
    const a = await resellerWithSite(p);
    const res = await put(a.site.uuid, a.token, {
      json: {
        name: "Boost Abidjan",
        tagline: "Vos abonnés, vite",
        primary_color: "#FF6600",
        accent_color: "#112233",
        language: "en",
        currency: "xof",
        contact: { whatsapp: "+225 07 00 00 00 01", instagram: "https://instagram.com/boost", email: "help@boost.example.com" },
        footer_text: "© Boost\nAbidjan",
        settings: { show_stats: false, hero_title: "Boostez vos réseaux" },
      },
    });
    expect(res.status).toBe(200);
    const b = (await body(res)).data;
    expect(b.name).toBe("Boost Abidjan");
    expect(b.branding).toMatchObject({
      tagline: "Vos abonnés, vite",
      primary_color: "#ff6600",
      accent_color: "#112233",
      language: "en",
      currency: "XOF",
      footer_text: "© Boost\nAbidjan",
    });
    expect(b.branding.contact).toEqual({ whatsapp: "+225 07 00 00 00 01", instagram: "https://instagram.com/boost", email: "help@boost.example.com" });
    expect(b.branding.settings).toMatchObject({ show_stats: false, hero_title: "Boostez vos réseaux", background_color: expect.stringMatching(/^#/) });
    const stored = JSON.parse((await siteRow(p, a.site.uuid)).branding!);
    expect(stored).toEqual({
      tagline: "Vos abonnés, vite",
      primary_color: "#ff6600",
      accent_color: "#112233",
      footer_text: "© Boost\nAbidjan",
      contact_whatsapp: "+225 07 00 00 00 01",
      contact_email: "help@boost.example.com",
      instagram_url: "https://instagram.com/boost",
      show_stats: false,
      hero_title: "Boostez vos réseaux",
    });
    expect(b.content_version).toBe(2);
    const second = (await body(await put(a.site.uuid, a.token, { json: { tagline: null } }))).data;
    expect(second.branding.tagline).toBeNull();
    expect(second.branding.primary_color).toBe("#ff6600");
    expect(second.content_version).toBe(3);
  });

  it("refuses bad values with per-field 422 details and changes nothing", async () => {
    const a = await resellerWithSite(p);
    const before = await siteRow(p, a.site.uuid);
    const bad: [unknown, string][] = [
      [{ primary_color: "red; background:url(x)" }, "primary_color"],
      [{ language: "de" }, "language"],
      [{ contact: { instagram: "javascript:alert(1)" } }, "contact.instagram"],
      [{ contact: { telegram: "a b" } }, "contact.telegram"],
      [{ settings: { show_stats: "maybe" } }, "settings.show_stats"],
      [{ tagline: "x".repeat(121) }, "tagline"],
      [{ contact: { facebook: "ftp://example.com" } }, "contact.facebook"],
      [{ contact: { whatsapp: "call me" } }, "contact.whatsapp"],
      [{ name: "" }, "name"],
      [{ template_id: 999999 }, "template_id"],
      [{ settings: { hero: { html: "<b>x</b>" } } }, "settings.hero"],
    ];
    for (const [json, field] of bad) {
      const res = await put(a.site.uuid, a.token, { json });
      expect(res.status, field).toBe(422);
      expect((await body(res)).error.details[field], field).toBeDefined();
    }
    const unknown = await put(a.site.uuid, a.token, { json: { custom_css: "body{}" } });
    expect(unknown.status).toBe(422);
    expect(await siteRow(p, a.site.uuid)).toEqual(before);
  });

  it("stores script-like text as plain text and never renders it raw", async () => {
    const a = await resellerWithSite(p);
    const xss = "<script>alert(1)</script>";
    const tagline = `"><img src=x onerror=alert(1)>`;
    const res = await put(a.site.uuid, a.token, { json: { name: xss, tagline, footer_text: "<iframe src=//evil>" } });
    expect(res.status).toBe(200);
    expect((await body(res)).data.branding).toMatchObject({ name: xss, tagline, footer_text: "<iframe src=//evil>" });
    const row = await siteRow(p, a.site.uuid);
    expect(row.name).toBe(xss);
    expect(JSON.parse(row.branding!).tagline).toBe(tagline);

    const host = `${a.site.slug}.sites.izyboost.test`;
    const home = await p.request("/", { host });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).not.toContain(xss);
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    // The suspended page is rendered in the site's own name: escaped.
    await p.services.db.updateTable("white_label_sites").set({ status: "suspended" }).where("id", "=", row.id).execute();
    p.invalidateTenants();
    const page = await (await p.request("/", { host })).text();
    expect(page).not.toContain(xss);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("turns an uploaded PNG into a 512 px logo and two square favicons", async () => {
    const a = await resellerWithSite(p);
    const png = await image(1200, 600, "png");
    const res = await put(a.site.uuid, a.token, { body: form({ tagline: "Avec logo" }, { bytes: png, name: "logo.png", type: "image/png" }) });
    expect(res.status).toBe(200);
    const b = (await body(res)).data;
    expect(b.branding.tagline).toBe("Avec logo");
    expect(b.branding.logo_url).toContain(`/uploads/sites/${a.site.uuid}/logo.png`);
    const logo = await sharp(uploads(a.site.uuid, "logo.png")).metadata();
    expect([logo.format, logo.width, logo.height]).toEqual(["png", 512, 256]);
    for (const n of [32, 180]) {
      const fav = await sharp(uploads(a.site.uuid, `favicon-${n}.png`)).metadata();
      expect([fav.format, fav.width, fav.height]).toEqual(["png", n, n]);
    }
    expect((await siteRow(p, a.site.uuid)).logo_path).toBe(join("uploads", "sites", a.site.uuid, "logo.png"));
    const served = await p.request(b.branding.logo_url, { host: `${a.site.slug}.sites.izyboost.test` });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(readFileSync(uploads(a.site.uuid, "logo.png")))).toBe(true);
  });

  it("accepts a JPEG, does not enlarge a small logo and replaces the old files", async () => {
    const a = await resellerWithSite(p);
    await put(a.site.uuid, a.token, { body: form({}, { bytes: await image(1200, 600, "png"), name: "a.png", type: "image/png" }) });
    const res = await put(a.site.uuid, a.token, { body: form({}, { bytes: await image(300, 900, "jpeg"), name: "b.jpg", type: "image/jpeg" }) });
    expect(res.status).toBe(200);
    const logo = await sharp(uploads(a.site.uuid, "logo.png")).metadata();
    expect([logo.format, logo.width, logo.height]).toEqual(["png", 300, 900]);
    expect((await sharp(uploads(a.site.uuid, "favicon-180.png")).metadata()).width).toBe(180);
  });

  it("takes 8 parallel logo uploads of one site without an error, and keeps one complete upload's files", async () => {
    const a = await resellerWithSite(p);
    // Square images of different sizes and colours: each stored file says which upload it came from.
    const red = (i: number) => 20 + i * 25;
    const logos = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sharp({ create: { width: 100 + i * 10, height: 100 + i * 10, channels: 3, background: { r: red(i), g: 40, b: 90 } } })
          .png()
          .toBuffer(),
      ),
    );
    const answers = await Promise.all(logos.map((bytes, i) => put(a.site.uuid, a.token, { body: form({}, { bytes, name: `l${i}.png`, type: "image/png" }) })));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    const logo = await sharp(uploads(a.site.uuid, "logo.png")).metadata();
    const winner = (logo.width! - 100) / 10;
    expect([logo.format, logo.height, Number.isInteger(winner) && winner >= 0 && winner < 8]).toEqual(["png", logo.width, true]);
    const redOf = async (file: string) => Math.round((await sharp(uploads(a.site.uuid, file)).stats()).channels[0]!.mean);
    for (const file of ["logo.png", "favicon-32.png", "favicon-180.png"]) expect(await redOf(file), file).toBe(red(winner));
    expect(readdirSync(join(p.dataDir, "uploads", "sites", a.site.uuid)).sort()).toEqual(["favicon-180.png", "favicon-32.png", "logo.png"]);
    expect((await siteRow(p, a.site.uuid)).logo_path).toBe(join("uploads", "sites", a.site.uuid, "logo.png"));
  });

  it("refuses anything that is not a real, complete PNG, JPEG or WebP image, and changes nothing", async () => {
    const a = await resellerWithSite(p);
    await put(a.site.uuid, a.token, { body: form({}, { bytes: await image(400, 400, "webp"), name: "ok.webp", type: "image/webp" }) });
    const before = await siteRow(p, a.site.uuid);
    const logoBefore = readFileSync(uploads(a.site.uuid, "logo.png"));
    const png = await image(800, 800, "png");
    const fakes: [string, Buffer, string][] = [
      ["text renamed .png", Buffer.from("just some text, not an image\n".repeat(20)), "image/png"],
      [
        "svg with a script",
        Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script><rect width="100" height="100"/></svg>`),
        "image/svg+xml",
      ],
      ["truncated png", png.subarray(0, Math.floor(png.length / 2)), "image/png"],
      ["too small", await image(8, 8, "png"), "image/png"],
      ["absurd proportions", await image(4000, 40, "png"), "image/png"],
      ["huge dimensions in a small file", await image(6000, 6000, "png"), "image/png"],
      ["over 5 MB", Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]), "image/png"],
    ];
    for (const [label, bytes, type] of fakes) {
      const res = await put(a.site.uuid, a.token, { body: form({ name: "Should not be saved" }, { bytes, name: "logo.png", type }) });
      expect(res.status, label).toBe(422);
      expect((await body(res)).error.details.logo, label).toBeDefined();
    }
    expect(await siteRow(p, a.site.uuid)).toEqual(before);
    expect(readFileSync(uploads(a.site.uuid, "logo.png")).equals(logoBefore)).toBe(true);
  });

  it("switches the theme and removes the logo on request", async () => {
    const a = await resellerWithSite(p);
    await put(a.site.uuid, a.token, { body: form({}, { bytes: await image(200, 200, "png"), name: "l.png", type: "image/png" }) });
    const other = await p.services.db.selectFrom("white_label_templates").select(["id", "slug"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    const res = await put(a.site.uuid, a.token, {
      body: form({ template_id: String(other.id), remove_logo: "true", contact: JSON.stringify({ telegram: "https://t.me/boost_ci" }) }),
    });
    expect(res.status).toBe(200);
    const b = (await body(res)).data;
    expect(b.template.slug).toBe(other.slug);
    expect(b.branding.contact).toEqual({ telegram: "boost_ci" });
    expect(b.branding.logo_url).toBeNull();
    expect(existsSync(uploads(a.site.uuid, "logo.png"))).toBe(false);
  });
});
