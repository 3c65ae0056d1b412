/**
 * Staff roles: the one rule for what platform staff may do, on the admin JSON API and on the
 * admin console alike. An admin does everything; support answers tickets and reads orders and
 * users, and never moves money or changes the platform.
 */
export const ROLES = ["user", "support", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ["support", "admin"] as const satisfies readonly Role[];

/** What a staff request does: read orders and users, work the support inbox, or anything else. */
export type StaffAction = "read" | "support" | "manage";

export function isStaff(role: string): boolean {
  return (STAFF_ROLES as readonly string[]).includes(role);
}

export function staffMay(role: string, action: StaffAction): boolean {
  if (role === "admin") return true;
  if (role === "support") return action === "read" || action === "support";
  return false;
}

const READABLE = /^\/(orders|users)(\/|$)/;
const SUPPORT = /^\/support(\/|$)/;

/** The action a request to the admin API or console is, from its method and its path below the mount. */
export function staffActionOf(method: string, path: string): StaffAction {
  if (SUPPORT.test(path)) return "support";
  if ((method === "GET" || method === "HEAD") && READABLE.test(path)) return "read";
  return "manage";
}
