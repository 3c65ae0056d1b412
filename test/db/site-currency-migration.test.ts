import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { insertSite } from "../storefront/helpers.ts";
import * as m0043 from "../../migrations/0043_site_currency.ts";

// Before 0043 a site's currency was a label over money booked in XOF: the migration puts the label back.
describeEachDialect("migration 0043: site currencies", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("a site labelled EUR over francs is put back to the platform currency; one in XOF is left alone", async () => {
    const labelled = await insertSite(p, { extra: { currency: "EUR" } });
    const plain = await insertSite(p);
    await m0043.down(p.services.db);
    await m0043.up(p.services.db);
    const rows = await p.services.db
      .selectFrom("white_label_sites")
      .select(["id", "currency", "currency_rate"])
      .where("id", "in", [labelled.site.id, plain.site.id])
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.currency, r.currency_rate])).toEqual([
      ["XOF", null],
      ["XOF", null],
    ]);
  });
});
