import { requireUser, type Ctx } from "../context.ts";
import type { User } from "../db/schema.ts";
import { dbNow } from "../lib/time.ts";
import { inTenant } from "../tenancy/scoped.ts";
import type { ProfileInput } from "./schema.ts";

interface Profile {
  full_name: string | null;
  phone: string | null;
  language: string;
}

export function profileOf(user: Pick<User, "full_name" | "phone" | "language">): Profile {
  return { full_name: user.full_name, phone: user.phone, language: user.language };
}

/** Saves what the user sent (a field left out stays as it was) and returns the profile as stored. */
export async function updateProfile(ctx: Ctx, input: ProfileInput): Promise<Profile> {
  const user = requireUser(ctx);
  const changes: Partial<Profile> = {};
  if (input.full_name !== undefined) changes.full_name = input.full_name;
  if (input.phone !== undefined) changes.phone = input.phone;
  if (input.language !== undefined) changes.language = input.language;
  if (Object.keys(changes).length > 0) {
    await inTenant(ctx)
      .updateTable("users")
      .set({ ...changes, updated_at: dbNow(ctx.clock) })
      .where("id", "=", user.id)
      .execute();
  }
  return profileOf({ ...user, ...changes });
}
