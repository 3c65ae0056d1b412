import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect } from "../harness/platform.ts";
import { closeWorld, orderWorld, type World } from "../orders/support.ts";
import { PLATFORM_HOST, customerOn, orderViaForm, siteWith, type Customer, type SiteWorld } from "../chain/support.ts";
import { get } from "./helpers.ts";
import { syncServices } from "../../src/catalog/sync.ts";
import { ORDERABLE_TYPES } from "../../src/providers/service-types.ts";
import { plainNumber, readWholeNumber } from "../../src/core/form-number.ts";

interface Listed {
  id: number;
  type: string;
  min: number;
  max: number;
}

/** The fields the server rendered visible for the chosen service (data-order-field without `hidden`). */
function visibleFields(html: string): string[] {
  return [...html.matchAll(/data-order-field="([a-z_]+)" data-types="[^"]*"( data-dripfeed-only)?( hidden)?>/g)].filter((m) => !m[3]).map((m) => m[1]!);
}

const lines = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word}${i + 1}`).join("\n");

/** What a customer types in each visible field, as a French customer writes numbers ("1 000"). */
function typed(field: string, s: Listed): string {
  const french = (n: number) => n.toLocaleString("fr-FR");
  switch (field) {
    case "link":
    case "media":
      return "https://instagram.com/p/izy-boost";
    case "quantity":
      return french(s.min);
    case "comments":
      return lines(s.min, "Super post ");
    case "usernames":
      return lines(s.min, "user");
    case "hashtags":
      return "#izy\n#boost";
    case "hashtag":
      return "#izyboost";
    case "username":
      return "@creator";
    case "answer_number":
      return "2";
    case "min":
    case "max":
      return french(s.min);
    case "posts":
      return "1";
    case "delay":
      return "0";
    default:
      return "";
  }
}

/** Expected fields per type: what the standard v2 `add` needs (DESIGN §4). */
const EXPECTED: Record<string, string[]> = {
  Default: ["link", "quantity"],
  Package: ["link"],
  "Custom Comments": ["link", "comments"],
  "Mentions Custom List": ["link", "usernames"],
  "Mentions with Hashtags": ["link", "quantity", "usernames", "hashtags"],
  "Mentions Hashtag": ["link", "quantity", "hashtag"],
  "Mentions User Followers": ["link", "quantity", "username"],
  "Mentions Media Likers": ["link", "quantity", "media"],
  "Comment Likes": ["link", "quantity", "username"],
  Poll: ["link", "quantity", "answer_number"],
  Subscriptions: ["username", "min", "max", "posts", "old_posts", "delay", "expiry"],
};

describeEachDialect("the order form orders every service type of the catalogue", (dialect) => {
  let w: World;
  let site: SiteWorld;
  let onPlatform: Customer;
  let onSite: Customer;
  let byType: Map<string, Listed>;

  beforeAll(async () => {
    w = await orderWorld(dialect);
    await syncServices(w.p.ctx(), { providerId: w.providerId });
    const rows = await w.p.services.db
      .selectFrom("services")
      .select(["id", "type", "min", "max", "dripfeed"])
      .where("provider_id", "=", w.providerId)
      .where("is_active", "=", 1)
      .orderBy("id")
      .execute();
    byType = new Map();
    for (const r of rows) if (!byType.has(r.type) && !(r.type === "Default" && r.dripfeed)) byType.set(r.type, r);
    site = await siteWith(w, { resellerFunds: "5000000", marginBp: 3000 });
    onPlatform = await customerOn(w, PLATFORM_HOST, "5000000");
    onSite = await customerOn(w, { host: site.host, siteId: site.siteId }, "5000000");
  });
  afterAll(() => closeWorld(w));

  it("the simulated catalogue offers every type we can order", () => {
    expect([...byType.keys()].sort()).toEqual([...ORDERABLE_TYPES].sort());
  });

  for (const where of ["platform", "site"] as const) {
    it(`places one order of every type from the page on the ${where}`, async () => {
      const customer = where === "platform" ? onPlatform : onSite;
      for (const [type, s] of byType) {
        const page = await get(w.p, customer.host, `/orders/new?service=${s.id}`, customer.jar);
        expect(page.res.status).toBe(200);
        const shown = visibleFields(page.html);
        expect(shown, type).toEqual(EXPECTED[type]);
        const fields: Record<string, string> = { service: String(s.id) };
        for (const f of shown) fields[f] = typed(f, s);
        const res = await orderViaForm(w, customer, fields);
        expect(res.status, `${type}: ${/class="field-error"[^>]*>([^<]*)/.exec(res.html)?.[1] ?? ""}`).toBe(303);
        const order = await w.p.services.db.selectFrom("orders").selectAll().where("uuid", "=", res.uuid!).executeTakeFirstOrThrow();
        expect(order.service_id, type).toBe(s.id);
        if (type === "Default" || type === "Poll") expect(order.quantity).toBe(s.min);
        if (type === "Subscriptions")
          expect(JSON.parse(order.params!)).toMatchObject({ username: "creator", min: String(s.min), max: String(s.min), posts: "1" });
        if (type === "Poll") expect(JSON.parse(order.params!)).toMatchObject({ answer_number: "2" });
      }
    });
  }

  it("accepts quantities typed the French way: 10 000 with a space, a no-break or a narrow no-break space", async () => {
    const s = byType.get("Default")!;
    for (const quantity of ["10 000", "10\u00a0000", "10\u202f000"]) {
      const res = await orderViaForm(w, onPlatform, { service: String(s.id), link: "https://instagram.com/izy", quantity });
      expect(res.status).toBe(303);
      expect((await w.p.services.db.selectFrom("orders").select("quantity").where("uuid", "=", res.uuid!).executeTakeFirstOrThrow()).quantity).toBe(10_000);
    }
  });

  it("names each field in error, says what is wrong and keeps what was typed (French page)", async () => {
    const poll = byType.get("Poll")!;
    let res = await orderViaForm(w, onPlatform, { service: String(poll.id), link: "https://t.me/izy/5", quantity: "3", answer_number: "deux" });
    expect(res.status).toBe(422);
    expect(res.html).toContain(`<p class="field-error" id="f-quantity-error">Quantité\u00a0: au moins ${poll.min.toLocaleString("fr-FR")}.</p>`);
    expect(res.html).toContain("Numéro de la réponse\u00a0: ce n&#39;est pas un nombre entier");
    expect(res.html).toMatch(/id="f-quantity" name="quantity" type="text" value="3"/);
    expect(res.html).toMatch(/id="f-answer_number" name="answer_number" type="text" value="deux"/);
    expect(visibleFields(res.html)).toEqual(EXPECTED.Poll);

    res = await orderViaForm(w, onPlatform, { service: String(poll.id), link: "https://t.me/izy/5", quantity: "999 999 999", answer_number: "" });
    expect(res.html).toContain(`Quantité\u00a0: au plus ${poll.max.toLocaleString("fr-FR")}.`);
    expect(res.html).toContain("Numéro de la réponse\u00a0: obligatoire.");
    expect(res.html).toContain('value="999 999 999"');

    const sub = byType.get("Subscriptions")!;
    res = await orderViaForm(w, onPlatform, { service: String(sub.id), username: "", min: "12,5", max: String(sub.min), delay: "0" });
    expect(res.status).toBe(422);
    expect(res.html).toContain('<p class="field-error" id="f-username-error">Nom d&#39;utilisateur\u00a0: obligatoire.</p>');
    expect(res.html).toContain("Minimum par publication\u00a0: ce n&#39;est pas un nombre entier");
    expect(res.html).toContain('value="12,5"');

    const comments = byType.get("Custom Comments")!;
    res = await orderViaForm(w, onPlatform, { service: String(comments.id), link: "https://instagram.com/p/x", comments: "Un seul" });
    expect(res.html).toContain(`Commentaires\u00a0: au moins ${comments.min} lignes, une par ligne (1 saisies).`);
    expect(res.html).toContain(">Un seul</textarea>");

    res = await orderViaForm(w, onPlatform, { link: "https://instagram.com/p/x" });
    expect(res.html).toContain('<p class="field-error" id="f-service-error">Service\u00a0: obligatoire.</p>');
  });

  it("says it in English on an English page, on a site too", async () => {
    const en = await customerOn(w, { host: site.host, siteId: site.siteId }, "1000", { language: "en" });
    const poll = byType.get("Poll")!;
    const res = await orderViaForm(w, en, { service: String(poll.id), link: "nope nope", quantity: "abc", answer_number: "101" });
    expect(res.status).toBe(422);
    expect(res.html).toContain("Link: not a valid link (https://…).");
    expect(res.html).toContain("Quantity: not a whole number (for example 10000).");
    expect(res.html).toContain("Answer number: at most 100.");
  });

  it("without a chosen service the page offers every field, so that it works without script", async () => {
    const page = await get(w.p, onPlatform.host, "/orders/new", onPlatform.jar);
    expect(visibleFields(page.html)).toHaveLength(17);
  });
});

it("reads form numbers the way French people type them, and nothing looser", () => {
  expect(plainNumber("10 000")).toBe("10000");
  expect(plainNumber("10\u202f000,5")).toBe("10000.5");
  expect(plainNumber("12,5")).toBe("12.5");
  expect(plainNumber("12,5 %")).toBe("12.5%");
  expect(readWholeNumber("1 000 000")).toBe(1_000_000);
  for (const bad of ["12,5", "1e3", "0x10", "10 00", "1 0000", "", "abc", "1.000"]) expect(readWholeNumber(bad), bad).toBeNull();
  expect(readWholeNumber(true)).toBeNull();
  expect(readWholeNumber([7])).toBeNull();
});
