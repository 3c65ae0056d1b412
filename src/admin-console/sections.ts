import type { StaffAction } from "../auth/roles.ts";
import { staffMay } from "../auth/roles.ts";
import type { MessageKey } from "../i18n/i18n.ts";

/** A section of the admin console: its place in the navigation and what its landing page needs. */
interface Section {
  id: string;
  path: string;
  label: MessageKey;
  /** What opening the section's page is (the same rule as the admin API: `staffActionOf`). */
  action: StaffAction;
}

/** The console's sections, in navigation order; a section is listed once its pages exist. */
const SECTIONS: readonly Section[] = [
  { id: "dashboard", path: "/admin", label: "admin.section.dashboard", action: "manage" },
  { id: "orders", path: "/admin/orders", label: "admin.section.orders", action: "read" },
  { id: "deposits", path: "/admin/deposits", label: "admin.section.deposits", action: "manage" },
  { id: "gateway-payments", path: "/admin/gateway-payments", label: "admin.section.gateway_payments", action: "manage" },
  { id: "users", path: "/admin/users", label: "admin.section.users", action: "read" },
  { id: "catalogue", path: "/admin/catalogue", label: "admin.section.catalogue", action: "manage" },
  { id: "white-label", path: "/admin/white-label", label: "admin.section.white_label", action: "manage" },
  { id: "support", path: "/admin/support", label: "admin.section.support", action: "support" },
  { id: "settings", path: "/admin/settings", label: "admin.section.settings", action: "manage" },
  { id: "audit", path: "/admin/audit", label: "admin.section.audit", action: "manage" },
  { id: "exports", path: "/admin/exports", label: "admin.section.exports", action: "manage" },
];

/** Where a role lands on /admin when the dashboard is not theirs: the section of their own work (support's inbox), else the first they may open. */
export function landingFor(role: string): Section | undefined {
  const open = sectionsFor(role);
  return open.find((s) => s.action === "support") ?? open[0];
}

/** The sections a role may open. */
export function sectionsFor(role: string): Section[] {
  return SECTIONS.filter((s) => staffMay(role, s.action));
}
