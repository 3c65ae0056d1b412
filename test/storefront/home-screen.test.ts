import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, SITES, type TestPlatform } from "../harness/platform.ts";
import { resellerWithSite, whiteLabelPlatform } from "../white-label/helpers.ts";
import { getTheme, PLATFORM_THEME } from "../../src/storefront/themes.ts";
import { Jar, registerThroughForm, get } from "./helpers.ts";

const PLATFORM = "izyboost.test";

/** A site bought through the API, then branded through the branding endpoint (name, colours, optional logo). */
async function brandedSite(p: TestPlatform, name: string, colours: { primary_color: string; background_color: string }, logo?: Buffer) {
  const r = await resellerWithSite(p);
  const fd = new FormData();
  fd.set("name", name);
  fd.set("primary_color", colours.primary_color);
  fd.set("settings", JSON.stringify({ background_color: colours.background_color }));
  if (logo) fd.set("logo", new File([new Uint8Array(logo)], "logo.png", { type: "image/png" }));
  const res = await p.request(`/api/white-label/sites/${r.site.uuid}/branding`, { method: "PUT", token: r.token, body: fd });
  if (res.status !== 200) throw new Error(`branding failed: ${res.status} ${await res.text()}`);
  return { ...r, host: `${r.site.slug}.${SITES}` };
}

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

// Each tenant can be added to a phone's home screen in its own brand: manifest, icons, and the <head> links.
describeEachDialect("the home-screen app of every tenant", (dialect) => {
  let p: Awaited<ReturnType<typeof whiteLabelPlatform>>;
  let a: Awaited<ReturnType<typeof brandedSite>>;
  let b: Awaited<ReturnType<typeof brandedSite>>;

  beforeAll(async () => {
    p = await whiteLabelPlatform(dialect);
    a = await brandedSite(p, "Boutique Alpha Abidjan", { primary_color: "#cc2200", background_color: "#fffaf0" });
    const logo = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 0, g: 160, b: 0 } } })
      .png()
      .toBuffer();
    b = await brandedSite(p, "Bravo", { primary_color: "#0033aa", background_color: "#f0f4ff" }, logo);
  });
  afterAll(() => p.close());

  const manifestOf = async (host: string) => {
    const res = await p.request("/manifest.webmanifest", { host });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/manifest+json");
    return { res, json: (await res.json()) as Record<string, any> };
  };

  it("the platform's manifest carries the platform's name, colours and icons", async () => {
    const { json } = await manifestOf(PLATFORM);
    const settings = getTheme(PLATFORM_THEME)!.settings;
    const primary = settings.find((s) => s.id === "primary_color")!.default;
    expect(json).toMatchObject({
      name: "IzyBoost",
      short_name: "IzyBoost",
      start_url: "/",
      scope: "/",
      display: "standalone",
      lang: "fr",
      theme_color: primary,
      background_color: settings.find((s) => s.id === "background_color")!.default,
    });
    expect(json.icons.map((i: { sizes: string; type: string }) => `${i.sizes} ${i.type}`)).toEqual(["192x192 image/png", "512x512 image/png"]);
  });

  it("a site's manifest carries its own name and branding colours, never another tenant's", async () => {
    const alpha = await manifestOf(a.host);
    expect(alpha.json).toMatchObject({ name: "Boutique Alpha Abidjan", short_name: "Boutique", theme_color: "#cc2200", background_color: "#fffaf0" });
    const bravo = await manifestOf(b.host);
    expect(bravo.json).toMatchObject({ name: "Bravo", short_name: "Bravo", theme_color: "#0033aa", background_color: "#f0f4ff" });
    const platform = JSON.stringify((await manifestOf(PLATFORM)).json);
    const alphaText = JSON.stringify(alpha.json);
    expect(alphaText).not.toContain("Bravo");
    expect(alphaText).not.toContain("IzyBoost");
    expect(JSON.stringify(bravo.json)).not.toContain("Alpha");
    expect(platform).not.toMatch(/Alpha|Bravo/);
    // Icons differ per tenant: their URLs carry a version of what they are drawn from.
    expect(alpha.json.icons[0].src).not.toBe(bravo.json.icons[0].src);
    // An unknown host gets no manifest at all.
    expect((await p.request("/manifest.webmanifest", { host: `nobody.${SITES}` })).status).toBe(404);
  });

  it("icons are PNGs of the announced size: the initial on the brand colour, or the site's logo on its background", async () => {
    for (const host of [PLATFORM, a.host, b.host]) {
      const { json } = await manifestOf(host);
      for (const icon of json.icons as { src: string; sizes: string }[]) {
        const res = await p.request(icon.src, { host });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("image/png");
        expect(res.headers.get("cache-control")).toContain("immutable");
        const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
        expect(meta.format).toBe("png");
        expect(`${meta.width}x${meta.height}`).toBe(icon.sizes);
      }
    }
    // Without a logo: the corner is the primary colour. With one: the corner is the background, the centre the logo.
    const alpha = Buffer.from(await (await p.request("/icons/icon-192.png", { host: a.host })).arrayBuffer());
    expect(await pixel(alpha, 2, 2)).toEqual([0xcc, 0x22, 0x00]);
    const bravo = Buffer.from(await (await p.request("/icons/icon-512.png", { host: b.host })).arrayBuffer());
    expect(await pixel(bravo, 2, 2)).toEqual([0xf0, 0xf4, 0xff]);
    expect(await pixel(bravo, 256, 256)).toEqual([0, 160, 0]);
    const touch = await sharp(Buffer.from(await (await p.request("/icons/icon-180.png", { host: b.host })).arrayBuffer())).metadata();
    expect([touch.width, touch.height]).toEqual([180, 180]);
    // An unversioned URL is cached briefly; unknown sizes do not exist.
    expect((await p.request("/icons/icon-192.png", { host: a.host })).headers.get("cache-control")).toBe("public, max-age=300");
    expect((await p.request("/icons/icon-64.png", { host: a.host })).status).toBe(404);
    expect((await p.request("/icons/icon-192.svg", { host: a.host })).status).toBe(404);
  });

  it("a branding change shows in the manifest and the icons at once, with new icon URLs", async () => {
    const before = (await manifestOf(a.host)).json;
    const etag = (await manifestOf(a.host)).res.headers.get("etag")!;
    expect((await p.request("/manifest.webmanifest", { host: a.host, headers: { "if-none-match": etag } })).status).toBe(304);
    const res = await p.request(`/api/white-label/sites/${a.site.uuid}/branding`, {
      method: "PUT",
      token: a.token,
      json: { name: "Alpha Neuf", primary_color: "#006644" },
    });
    expect(res.status).toBe(200);
    const after = (await manifestOf(a.host)).json;
    expect(after).toMatchObject({ name: "Alpha Neuf", short_name: "Alpha Neuf", theme_color: "#006644" });
    expect(after.icons[0].src).not.toBe(before.icons[0].src);
    expect((await p.request("/manifest.webmanifest", { host: a.host, headers: { "if-none-match": etag } })).status).toBe(200);
    const icon = Buffer.from(await (await p.request(after.icons[0].src, { host: a.host })).arrayBuffer());
    expect(await pixel(icon, 2, 2)).toEqual([0x00, 0x66, 0x44]);
  });

  it("every page links the manifest, the touch icon and the theme colour, signed out and signed in", async () => {
    const customer = await registerThroughForm(p, b.host);
    expect(customer.res.status).toBe(303);
    const { json } = await manifestOf(b.host);
    const version = new URL(json.icons[0].src, "http://x").searchParams.get("v");
    for (const [path, jar] of [
      ["/", new Jar()],
      ["/services", new Jar()],
      ["/login", new Jar()],
      ["/account", customer.jar],
      ["/orders", customer.jar],
    ] as const) {
      const page = await get(p, b.host, path, jar);
      expect(page.res.status, path).toBe(200);
      expect(page.html).toContain('<link rel="manifest" href="/manifest.webmanifest">');
      expect(page.html).toContain(`<link rel="apple-touch-icon" href="/icons/icon-180.png?v=${version}">`);
      expect(page.html).toContain('<meta name="theme-color" content="#0033aa">');
    }
    const platformHome = await get(p, PLATFORM, "/", new Jar());
    expect(platformHome.html).toContain('<link rel="manifest" href="/manifest.webmanifest">');
  });
});
