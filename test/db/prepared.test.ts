import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDialect, makePlatform, type TestPlatform } from "../harness/platform.ts";
import { withTransaction } from "../../src/context.ts";
import { prepared, preparedInsert } from "../../src/db/prepared.ts";

const NOW = "2026-01-01 00:00:00.000";

// Module-level, as in the code: one template per dialect, shared by every platform of a run.
const insertCategory = preparedInsert("categories", ["name", "slug", "description", "sort_order", "created_at", "updated_at"]);
const categoriesLike = prepared((db, prefix: string, limit: number) =>
  db
    .selectFrom("categories")
    .select(["name", "description", "sort_order"])
    .where("slug", "like", prefix)
    .where("is_active", "=", 1)
    .orderBy("slug")
    .limit(limit),
);
const rename = prepared((db, name: string, slug: string) =>
  db.updateTable("categories").set({ name, updated_at: NOW }).where("slug", "=", slug).where("slug", "like", "prep-%"),
);

describeEachDialect("queries compiled once and run with new arguments", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  it("each run takes its own arguments; values fixed at build time stay fixed", async () => {
    const db = p.services.db;
    const first = await insertCategory.run(db, { name: "A", slug: "prep-a", description: "first", sort_order: 2, created_at: NOW, updated_at: NOW });
    const second = await insertCategory.run(db, { name: "B", slug: "prep-b", description: null, sort_order: 1, created_at: NOW, updated_at: NOW });
    expect(Number(second.insertId)).toBe(Number(first.insertId) + 1);
    expect(await categoriesLike.all(db, "prep-%", 10)).toEqual([
      { name: "A", description: "first", sort_order: 2 },
      { name: "B", description: null, sort_order: 1 },
    ]);
    expect(await categoriesLike.all(db, "prep-b", 10)).toEqual([{ name: "B", description: null, sort_order: 1 }]);
    expect(await categoriesLike.first(db, "prep-%", 1)).toEqual({ name: "A", description: "first", sort_order: 2 });
    expect(await categoriesLike.first(db, "nothing-%", 1)).toBeUndefined();
  });

  it("runs inside a transaction, and rolls back with it", async () => {
    const db = p.services.db;
    await insertCategory.run(db, { name: "Before", slug: "prep-tx", description: null, sort_order: 0, created_at: NOW, updated_at: NOW });
    await expect(
      withTransaction(p.ctx(), async (tx) => {
        expect(Number((await rename.run(tx.db, "During", "prep-tx")).numAffectedRows)).toBe(1);
        expect((await categoriesLike.first(tx.db, "prep-tx", 1))?.name).toBe("During");
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await categoriesLike.first(db, "prep-tx", 1))?.name).toBe("Before");
    expect(Number((await rename.run(db, "Other", "other-tx")).numAffectedRows)).toBe(0);
  });
});
