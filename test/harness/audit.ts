import type { TestPlatform } from "./platform.ts";

/** The audit_logs rows of one action on one target. */
export async function auditRows(p: TestPlatform, action: string, targetId: string | number) {
  return p.services.db.selectFrom("audit_logs").selectAll().where("action", "=", action).where("target_id", "=", String(targetId)).execute();
}
