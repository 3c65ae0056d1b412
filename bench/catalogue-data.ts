// The benches' catalogue: services as a sync leaves them, all at one price, spread over a few categories.
import type { Db } from "../src/db/database.ts";
import { dbNow } from "../src/lib/time.ts";

interface BenchCatalogue {
  providerId: number;
  services: number;
  categories: number;
  /** Names the categories ("Bench category 3", slug "bench-3"). */
  label: string;
  /** The category's platform (default instagram). */
  platform?: (i: number) => string;
  /** The panel's service id behind service i (unique per service). */
  providerServiceId: (i: number) => string;
  serviceName: (i: number) => string;
}

/** Replaces every service with `services` services over `categories` new categories; services are written 500 to a statement. */
export async function insertBenchCatalogue(db: Db, c: BenchCatalogue): Promise<void> {
  const now = dbNow();
  const categoryIds: number[] = [];
  for (let i = 0; i < c.categories; i++) {
    const r = await db
      .insertInto("categories")
      .values({
        name: `${c.label} category ${i}`,
        slug: `${c.label.toLowerCase()}-${i}`,
        platform: c.platform?.(i) ?? "instagram",
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    categoryIds.push(Number(r.insertId));
  }
  await db.deleteFrom("services").execute();
  const rows = Array.from({ length: c.services }, (_, i) => ({
    provider_id: c.providerId,
    provider_service_id: c.providerServiceId(i),
    category_id: categoryIds[i % c.categories]!,
    name: c.serviceName(i),
    type: "Default",
    provider_rate: 1_234_560,
    base_rate: 740_736_000,
    rate: 962_956_800,
    min: 10,
    max: 100_000,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto("services")
      .values(rows.slice(i, i + 500))
      .execute();
}
