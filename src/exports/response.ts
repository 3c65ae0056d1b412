import type { Ctx } from "../context.ts";
import { exportCsv, exportFileName, type ExportFilters, type ExportKind } from "./service.ts";

/** The export as a download: streamed, never cached. */
export async function csvResponse(ctx: Ctx, kind: ExportKind, filters: ExportFilters): Promise<Response> {
  return new Response(await exportCsv(ctx, kind, filters), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFileName(ctx, kind)}"`,
      "cache-control": "no-store",
    },
  });
}
