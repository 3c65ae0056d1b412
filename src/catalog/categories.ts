import type { Ctx } from "../context.ts";
import { withTransaction } from "../context.ts";
import { writeAudit } from "../audit/audit.ts";
import { NotFound, Validation } from "../core/errors.ts";
import { dbNow } from "../lib/time.ts";
import { platformOf, slugify } from "./platforms.ts";
import type { CategoryCreate } from "./schema.ts";
import { listAdminCategories, type AdminCategory } from "./service.ts";

/** The icons a category may show: the built-in set of themes/_base/partials/icon.eta. */
export const CATEGORY_ICONS = [
  "chat",
  "send",
  "mail",
  "link",
  "search",
  "arrow",
  "check",
  "bolt",
  "shield",
  "clock",
  "wallet",
  "user",
  "star",
  "refresh",
  "copy",
  "key",
  "plus",
  "list",
  "globe",
] as const;

/** An admin adds a category; it goes last in the catalogue's order. */
export async function createAdminCategory(ctx: Ctx, input: CategoryCreate): Promise<AdminCategory> {
  const slug = slugify(input.name);
  if (!slug) throw new Validation({ name: ["Use at least one letter or digit"] });
  if (await ctx.db.selectFrom("categories").select("id").where("slug", "=", slug).executeTakeFirst())
    throw new Validation({ name: ["A category with this name already exists"] });
  const last = await ctx.db
    .selectFrom("categories")
    .select((eb) => eb.fn.max("sort_order").as("n"))
    .executeTakeFirst();
  const now = dbNow(ctx.clock);
  const values = {
    name: input.name,
    name_fr: input.name_fr ?? null,
    name_en: input.name_en ?? null,
    slug,
    platform: platformOf(input.name),
    description: input.description ?? null,
    icon: input.icon ?? null,
    sort_order: Number(last?.n ?? 0) + 10,
    is_active: input.is_active ? 1 : 0,
  };
  const id = await withTransaction(ctx, async (tx) => {
    const res = await tx.db
      .insertInto("categories")
      .values({ ...values, created_at: now, updated_at: now })
      .executeTakeFirst();
    const id = Number(res.insertId);
    await writeAudit(tx, { action: "categories.create", targetType: "category", targetId: id, data: values });
    return id;
  });
  ctx.events.catalogChanged();
  return (await listAdminCategories(ctx, id))[0]!;
}

/** An admin deletes a category; refused while services are in it (orders point to them): move them first. */
export async function deleteAdminCategory(ctx: Ctx, id: number): Promise<void> {
  const [current] = await listAdminCategories(ctx, id);
  if (!current) throw new NotFound("Category not found");
  if (current.services_count > 0)
    throw new Validation({ category: [`${current.services_count} services are still in this category: move them to another one first`] });
  await withTransaction(ctx, async (tx) => {
    await tx.db.deleteFrom("categories").where("id", "=", id).execute();
    await writeAudit(tx, { action: "categories.delete", targetType: "category", targetId: id, data: { name: current.name, slug: current.slug } });
  });
  ctx.events.catalogChanged();
}

/** An admin moves a category one place up or down; the order is renumbered 10, 20, 30… as it goes. */
export async function moveAdminCategory(ctx: Ctx, id: number, direction: "up" | "down"): Promise<AdminCategory[]> {
  const all = await listAdminCategories(ctx);
  const from = all.findIndex((c) => c.id === id);
  if (from < 0) throw new NotFound("Category not found");
  const to = direction === "up" ? from - 1 : from + 1;
  if (to < 0 || to >= all.length) return all;
  const order = [...all];
  [order[from], order[to]] = [order[to]!, order[from]!];
  await withTransaction(ctx, async (tx) => {
    for (const [i, c] of order.entries()) {
      const position = (i + 1) * 10;
      if (c.sort_order !== position)
        await tx.db
          .updateTable("categories")
          .set({ sort_order: position, updated_at: dbNow(tx.clock) })
          .where("id", "=", c.id)
          .execute();
    }
    await writeAudit(tx, { action: "categories.move", targetType: "category", targetId: id, data: { direction, position: to + 1 } });
  });
  ctx.events.catalogChanged();
  return listAdminCategories(ctx);
}
