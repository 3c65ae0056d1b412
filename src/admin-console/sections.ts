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
  { id: "support", path: "/admin/support", label: "admin.section.support", action: "support" },
  { id: "settings", path: "/admin/settings", label: "admin.section.settings", action: "manage" },
  { id: "audit", path: "/admin/audit", label: "admin.section.audit", action: "manage" },
  { id: "exports", path: "/admin/exports", label: "admin.section.exports", action: "manage" },
];

/** The sections a role may open. */
export function sectionsFor(role: string): Section[] {
  return SECTIONS.filter((s) => staffMay(role, s.action));
}
