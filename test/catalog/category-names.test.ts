import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUpAdmin, type TestPlatform } from "../harness/platform.ts";
import { syncServices } from "../../src/catalog/sync.ts";
import { frenchCategoryName } from "../../src/catalog/category-names.ts";
import { simWithRow, type SimProvider } from "../providers/support.ts";

it("names the common categories in French, platform after the noun, and leaves the unknown to admins", () => {
  expect(frenchCategoryName("Instagram Followers")).toBe("Abonnés Instagram");
  expect(frenchCategoryName("YouTube Subscribers")).toBe("Abonnés YouTube");
  expect(frenchCategoryName("TikTok Likes")).toBe("J'aime TikTok");
  expect(frenchCategoryName("Instagram Reels Views")).toBe("Vues de Reels Instagram");
  expect(frenchCategoryName("Instagram Comment Likes")).toBe("J'aime de commentaires Instagram");
  expect(frenchCategoryName("Telegram Members")).toBe("Membres Telegram");
  expect(frenchCategoryName("TikTok Shares")).toBe("Partages TikTok");
  expect(frenchCategoryName("Spotify Plays")).toBe("Écoutes Spotify");
  expect(frenchCategoryName("Facebook Comments")).toBe("Commentaires Facebook");
  expect(frenchCategoryName("Instagram Followers [HQ]")).toBe("Abonnés Instagram [HQ]");
  expect(frenchCategoryName("Website Traffic")).toBe("Trafic de site web");
  expect(frenchCategoryName("Instagram")).toBeNull();
  expect(frenchCategoryName("Instagram Threads Boost")).toBeNull();
});

describeEachDialect("categories in both languages, searched in both", (dialect) => {
  let p: TestPlatform;
  let sim: SimProvider;
  let providerId: number;

  const followers = () => p.services.db.selectFrom("categories").selectAll().where("slug", "=", "instagram-followers").executeTakeFirstOrThrow();
  const page = async (path: string) => (await p.request(path)).text();
  const search = async (q: string) =>
    (await body(await p.request(`/api/services?per_page=500&search=${encodeURIComponent(q)}`))).data as { name: string; category: { slug: string } }[];

  beforeAll(async () => {
    p = await makePlatform(dialect);
    ({ sim, providerId } = await simWithRow(p));
    await syncServices(p.ctx(), { providerId });
  });
  afterAll(async () => {
    await sim.close();
    await p.close();
  });

  it("stores the French name when the sync imports a category", async () => {
    expect(await followers()).toMatchObject({ name: "Instagram Followers", name_fr: "Abonnés Instagram", name_en: null });
    const likes = await p.services.db.selectFrom("categories").select("name_fr").where("slug", "=", "instagram-comment-likes").executeTakeFirstOrThrow();
    expect(likes.name_fr).toBe("J'aime de commentaires Instagram");
  });

  it("shows category names in the page's language", async () => {
    const fr = await page("/services?lang=fr");
    expect(fr).toContain("Abonnés Instagram");
    expect(fr).not.toContain(">Instagram Followers<");
    const en = await page("/services?lang=en");
    expect(en).toContain("Instagram Followers");
    expect(en).not.toContain("Abonnés Instagram");
  });

  it("the search box's own example finds something, in each language", async () => {
    for (const lang of ["fr", "en"]) {
      const html = await page(`/services?lang=${lang}`);
      const example = /id="q" name="q" type="search" value="" placeholder="(?:Ex\. : |e\.g\. )([^"]+)"/.exec(html)?.[1];
      expect(example, lang).toBeTruthy();
      const found = await page(`/services?lang=${lang}&q=${encodeURIComponent(example!)}`);
      expect(found, `${lang}: ${example}`).not.toContain('class="empty');
      expect(found).toContain("instagram-followers");
    }
  });

  it("GET /api/services?search= matches either language, accents and word order ignored", async () => {
    const all = await search("");
    const followers = all.filter((s) => s.category.slug === "instagram-followers");
    expect(followers.length).toBeGreaterThan(0);
    const english = await search("Instagram Followers");
    expect(english).toEqual(expect.arrayContaining(followers));
    const french = await search("abonnés instagram");
    expect(french).toEqual(followers);
    for (const q of ["abonnes instagram", "ABONNÉS Instagram", "instagram abonnes"]) expect(await search(q), q).toEqual(french);
    expect((await search("écoutes spotify")).length).toBeGreaterThan(0);
    expect(await search("abonnés nulle-part")).toEqual([]);
  });

  it("the API shows the category's name in both languages", async () => {
    const res = await body(await p.request("/api/services?per_page=1&category=instagram-followers"));
    expect(res.data[0].category).toMatchObject({ name: "Instagram Followers", name_fr: "Abonnés Instagram", name_en: "Instagram Followers" });
    expect(res.meta.categories.find((c: { slug: string }) => c.slug === "instagram-followers")).toMatchObject({ name_fr: "Abonnés Instagram" });
  });

  it("an admin may rename a category in French; the next sync keeps it", async () => {
    const admin = await signUpAdmin(p);
    const id = (await followers()).id;
    const res = await p.request(`/api/admin/services/categories/${id}`, {
      method: "PUT",
      token: admin.token,
      json: { name_fr: "Followers Instagram (abonnés)" },
    });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toMatchObject({ name_fr: "Followers Instagram (abonnés)", name_en: null });
    await syncServices(p.ctx(), { providerId });
    expect((await followers()).name_fr).toBe("Followers Instagram (abonnés)");
    expect(await page("/services?lang=fr")).toContain("Followers Instagram (abonnés)");
    const cleared = await p.request(`/api/admin/services/categories/${id}`, { method: "PUT", token: admin.token, json: { name_fr: "" } });
    expect((await body(cleared)).data.name_fr).toBeNull();
  });
});
