/**
 * Dependency rules of src/ (`npm run lint:deps`). The shape they keep: src/core holds the
 * primitives every layer uses and imports nothing of the app; domain code never sees the web layer
 * (src/http); only the composition root (src/app, src/main.ts, src/cli) knows every feature; and no
 * module is part of an import cycle. Folder-level cycles: `npm run lint:folders`.
 */

/** Files that speak HTTP (Hono handlers, middleware, pages): the only ones that may import src/http. */
const WEB_LAYER = [
  "^src/app/",
  "^src/http/",
  "^src/storefront/",
  "^src/admin-console/",
  "(^|/)[^/]*routes\\.ts$",
  "(^|/)middleware\\.ts$",
  "(^|/)pages\\.ts$",
  "(^|/)[a-z-]+-pages\\.ts$",
  "^src/developer-api/v2/params\\.ts$",
  "^src/idempotency/idempotency\\.ts$",
  "^src/white-label/tls-ask\\.ts$",
];

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle makes a module's meaning depend on load order; announce through ctx.events instead.",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-imports-nothing-of-the-app",
      severity: "error",
      comment: "src/core (typed errors, validation, ids, pagination) is imported by every layer: it must stay a leaf.",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/core/" },
    },
    {
      name: "domain-not-web",
      severity: "error",
      comment: "Domain verbs take a ctx and never see Hono: only handlers, middleware and pages import src/http.",
      from: { path: "^src/", pathNot: WEB_LAYER },
      to: { path: "^src/http/" },
    },
    {
      name: "web-layer-knows-no-feature",
      severity: "error",
      comment: "src/http is the generic web layer (Env, body reading, rate limits, plain pages); mounting features is src/app's job.",
      from: { path: "^src/http/" },
      to: { path: "^src/", pathNot: ["^src/(http|core|lib|db|config)/", "^src/context\\.ts$"] },
    },
    {
      name: "only-entry-points-use-the-composition-root",
      severity: "error",
      comment: "src/app knows every feature; a feature importing it would close a cycle through all of them.",
      from: { path: "^src/", pathNot: ["^src/app/", "^src/main\\.ts$", "^src/cli/"] },
      to: { path: "^src/app/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that does not resolve is a typo or a missing package.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports couple modules too: they count.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".json"], exportsFields: ["exports"], conditionNames: ["import", "require", "node", "types", "default"] },
  },
};
