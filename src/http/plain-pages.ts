import { html } from "hono/html";

/** Minimal bilingual pages for hosts that have no storefront to render them (unknown host, errors). */
function plainPage(opts: { status: number; titleFr: string; titleEn: string; textFr: string; textEn: string; brand?: string; color?: string }) {
  const color = opts.color && /^#[0-9a-f]{3,8}$/i.test(opts.color) ? opts.color : "#4f46e5";
  return html`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${opts.status} · ${opts.titleFr}${opts.brand ? ` · ${opts.brand}` : ""}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;background:#f8fafc;color:#0f172a}
main{max-width:32rem;padding:2rem;text-align:center}
h1{font-size:3rem;margin:0;color:${color}}
h2{margin:.5rem 0 1rem;font-size:1.25rem}
p{color:#475569;line-height:1.5}
hr{border:0;border-top:1px solid #e2e8f0;margin:1.5rem 0}
</style>
</head>
<body><main>
${opts.brand ? html`<p><strong>${opts.brand}</strong></p>` : ""}
<h1>${opts.status}</h1>
<h2>${opts.titleFr}</h2><p>${opts.textFr}</p>
<hr>
<h2 lang="en">${opts.titleEn}</h2><p lang="en">${opts.textEn}</p>
</main></body></html>`;
}

export const unknownHostPage = () =>
  plainPage({
    status: 404,
    titleFr: "Site introuvable",
    titleEn: "Site not found",
    textFr: "Aucun site n'est configuré à cette adresse.",
    textEn: "No site is configured at this address.",
  });

export const notFoundPage = (brand?: string) =>
  plainPage({
    status: 404,
    brand,
    titleFr: "Page introuvable",
    titleEn: "Page not found",
    textFr: "Cette page n'existe pas.",
    textEn: "This page does not exist.",
  });

export const serverErrorPage = (brand?: string) =>
  plainPage({
    status: 500,
    brand,
    titleFr: "Erreur interne",
    titleEn: "Internal error",
    textFr: "Un problème est survenu. Veuillez réessayer.",
    textEn: "Something went wrong. Please try again.",
  });

export const unavailablePage = (brand?: string) =>
  plainPage({
    status: 503,
    brand,
    titleFr: "Service momentanément indisponible",
    titleEn: "Service temporarily unavailable",
    textFr: "Le service est momentanément indisponible. Veuillez réessayer dans quelques instants.",
    textEn: "The service is temporarily unavailable. Please try again in a few moments.",
  });
