import { catalogue } from "../catalogue.ts";

/** The admin console's Settings section (src/admin-console/settings.ts). */
export const adminSettingsMessages = catalogue(
  {
    "admin.settings.title": "Paramètres",
  },
  {
    "admin.settings.title": "Settings",
  },
);
