import { randomUUID } from "node:crypto";
import type { Insertable } from "kysely";
import type { OrdersTable } from "../../src/db/schema.ts";
import { dbNow } from "../../src/lib/time.ts";
import { uniqueName, type TestPlatform } from "./platform.ts";

/**
 * Rows that tests insert by hand need real parents: the database refuses orphans (migration 0013).
 * A provider nothing listens to, with one category and service, for tests that only need order rows.
 */
export async function offlineService(p: TestPlatform): Promise<{ providerId: number; serviceId: number }> {
  const db = p.services.db;
  const now = dbNow(p.services.clock);
  const name = uniqueName("offline");
  const provider = await db
    .insertInto("api_providers")
    .values({ name, url: "http://127.0.0.1:9/api/v2", api_key: "k", is_active: 0, created_at: now, updated_at: now })
    .executeTakeFirstOrThrow();
  const providerId = Number(provider.insertId);
  const category = await db.insertInto("categories").values({ name, slug: name, created_at: now, updated_at: now }).executeTakeFirstOrThrow();
  const service = await db
    .insertInto("services")
    .values({
      provider_id: providerId,
      provider_service_id: "1",
      category_id: Number(category.insertId),
      name,
      provider_rate: 1,
      base_rate: 1,
      rate: 1,
      created_at: now,
      updated_at: now,
    })
    .executeTakeFirstOrThrow();
  return { providerId, serviceId: Number(service.insertId) };
}

/** An order row of a user, written directly (no charge, no dispatch), on an offline service unless one is given. */
export async function insertOrderRow(p: TestPlatform, userId: number, values: Partial<Insertable<OrdersTable>> = {}): Promise<{ id: number; uuid: string }> {
  const { providerId, serviceId } =
    values.service_id && values.provider_id ? { providerId: values.provider_id, serviceId: values.service_id } : await offlineService(p);
  const now = dbNow(p.services.clock);
  const uuid = values.uuid ?? randomUUID();
  const res = await p.services.db
    .insertInto("orders")
    .values({
      quantity: 100,
      rate: 1,
      charge: 1,
      currency: "XOF",
      created_at: now,
      updated_at: now,
      ...values,
      uuid,
      user_id: userId,
      service_id: serviceId,
      provider_id: providerId,
    })
    .executeTakeFirstOrThrow();
  return { id: Number(res.insertId), uuid };
}
