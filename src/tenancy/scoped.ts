import type {
  DeleteQueryBuilder,
  DeleteResult,
  InsertQueryBuilder,
  InsertResult,
  Insertable,
  Kysely,
  SelectQueryBuilder,
  UpdateQueryBuilder,
  UpdateResult,
} from "kysely";
import type { Database } from "../db/schema.ts";
import { PLATFORM_TENANT_ID } from "../core/tenant-id.ts";

export { PLATFORM_TENANT_ID };

/** The tables whose rows belong to one tenant: those that carry a site_id. */
export type TenantTable = { [T in keyof Database]: "site_id" extends keyof Database[T] ? T : never }[keyof Database] & string;

/** A row to insert into a tenant table; the scope sets its site_id. */
type TenantRow<T extends TenantTable> = Omit<Insertable<Database[T]>, "site_id">;

/**
 * Every tenant-scoped query starts here (after Vendure's channel-aware repository): the builder
 * comes back already filtered by `<table>.site_id`, so callers keep Kysely's joins and filters.
 */
export interface TenantScope {
  readonly siteId: number;
  selectFrom<T extends TenantTable>(table: T): SelectQueryBuilder<Database, T, Record<never, never>>;
  updateTable<T extends TenantTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult>;
  deleteFrom<T extends TenantTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult>;
  /** An insert whose row(s) get this tenant's site_id. */
  insertInto<T extends TenantTable>(table: T, rows: TenantRow<T> | readonly TenantRow<T>[]): InsertQueryBuilder<Database, T, InsertResult>;
}

/** What scoping reads of a Ctx, named by shape: src/context.ts imports this module, so importing it back would be a cycle. */
type TenantCtx = { db: Kysely<Database>; tenant: { siteId: number } };

/** The tenant the request resolved: the only site id a domain verb may scope by. */
export function tenantId(ctx: Pick<TenantCtx, "tenant">): number {
  return ctx.tenant.siteId;
}

/** Queries scoped by the ctx's own tenant (a transaction's ctx keeps its transaction). */
export function inTenant(ctx: TenantCtx): TenantScope {
  return forTenant(ctx.db, ctx.tenant.siteId);
}

/** The platform's own rows, for code that works on the platform whatever tenant it runs for (jobs, the admin console, the order chain's platform side). */
export function onPlatform(db: Kysely<Database>): TenantScope {
  return forTenant(db, PLATFORM_TENANT_ID);
}

/** Queries scoped by a site id the caller names explicitly (a site the caller owns or administers, never one taken from the client unchecked). */
export function forTenant(db: Kysely<Database>, siteId: number): TenantScope {
  // Kysely cannot narrow `${T}.site_id` for a generic T; TenantTable guarantees the column exists.
  const untyped = db as unknown as Kysely<Record<string, { site_id: number }>>;
  const column = (table: string) => `${table}.site_id` as const;
  return {
    siteId,
    selectFrom: (table: string) => untyped.selectFrom(table).where(column(table), "=", siteId) as never,
    updateTable: (table: string) => untyped.updateTable(table).where(column(table), "=", siteId) as never,
    deleteFrom: (table: string) => untyped.deleteFrom(table).where(column(table), "=", siteId) as never,
    insertInto: (table: string, rows: object | readonly object[]) => {
      const values = Array.isArray(rows) ? rows.map((r: object) => ({ ...r, site_id: siteId })) : { ...rows, site_id: siteId };
      return untyped.insertInto(table).values(values as never) as never;
    },
  };
}
