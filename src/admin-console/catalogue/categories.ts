import { Hono, type Context } from "hono";
import { parseInput } from "../../core/validate.ts";
import { idParam } from "../../core/params.ts";
import type { AppEnv } from "../../http/env.ts";
import { ctxOf } from "../../http/env.ts";
import { categoryCreate, categoryUpdate } from "../../catalog/schema.ts";
import { CATEGORY_ICONS, createAdminCategory, deleteAdminCategory, moveAdminCategory } from "../../catalog/categories.ts";
import { listAdminCategories, updateAdminCategory } from "../../catalog/service.ts";
import { requireCsrf } from "../../storefront/csrf.ts";
import type { Storefront } from "../../storefront/respond.ts";
import { consolePage } from "../frame.ts";
import { doneNotice, fieldErrors, formOf, translated, type Errors, type Fields } from "./forms.ts";
import type { MessageKey } from "../../i18n/i18n.ts";

const DONE = ["category_saved", "category_created", "category_deleted", "category_moved"] as const;
const WORDS: Partial<Record<string, MessageKey>> = {
  name: "admin.cat.error.category_name",
  name_fr: "admin.cat.error.text",
  name_en: "admin.cat.error.text",
  icon: "admin.cat.error.icon",
  category: "admin.cat.error.category_not_empty",
};

function categoryInput(fields: Fields) {
  const icon = fields.icon ?? "";
  return {
    name: fields.name ?? "",
    name_fr: fields.name_fr ?? "",
    name_en: fields.name_en ?? "",
    // Only the built-in icons: anything else is refused on the field.
    icon: icon === "" ? null : (CATEGORY_ICONS as readonly string[]).includes(icon) ? icon : "!",
    is_active: fields.is_active === "1",
  };
}

/** Catalogue › Categories: the ordered list, add, edit, delete (refused while services are in it), move up or down. */
export function categoryConsolePages(sf: Storefront) {
  const app = new Hono<AppEnv>();

  const listPage = (c: Context<AppEnv>, state: { values?: Fields; errors?: Errors; editing?: number; status?: number } = {}) =>
    consolePage(c, sf, { id: "admin-categories", section: "catalogue", heading: "admin.cat.categories_title", status: state.status }, async (f) => {
      const categories = await listAdminCategories(ctxOf(c));
      const editId = state.editing ?? Number(c.req.query("edit"));
      const editing = categories.find((k) => k.id === editId);
      const v = state.values;
      const icon = v?.icon ?? editing?.icon ?? "";
      return {
        categories: categories.map((k, i) => ({
          id: k.id,
          name: k.name,
          names: [k.name_fr, k.name_en].filter(Boolean).join(" · "),
          icon: k.icon && (CATEGORY_ICONS as readonly string[]).includes(k.icon) ? k.icon : null,
          services: f.tx("admin.cat.category_services", { count: k.services_count, active: k.active_services_count }),
          active: Boolean(k.is_active),
          first: i === 0,
          last: i === categories.length - 1,
          editHref: `/admin/catalogue/categories?edit=${k.id}#category-form`,
        })),
        icons: CATEGORY_ICONS.map((name) => ({ value: name, selected: name === icon })),
        form: {
          action: editing ? `/admin/catalogue/categories/${editing.id}` : "/admin/catalogue/categories",
          editing: Boolean(editing),
          name: v?.name ?? editing?.name ?? "",
          name_fr: v?.name_fr ?? editing?.name_fr ?? "",
          name_en: v?.name_en ?? editing?.name_en ?? "",
          active: v ? v.is_active === "1" : editing ? Boolean(editing.is_active) : true,
        },
        errors: translated(f, state.errors),
        done: doneNotice(f, c.req.query("done"), DONE),
      };
    });

  app.get("/admin/catalogue/categories", (c) => listPage(c));

  app.post("/admin/catalogue/categories", requireCsrf, async (c) => {
    const { fields } = await formOf(c);
    try {
      await createAdminCategory(ctxOf(c), parseInput(categoryCreate, categoryInput(fields)));
      return c.redirect("/admin/catalogue/categories?done=category_created", 303);
    } catch (err) {
      return listPage(c, { values: fields, errors: fieldErrors(err, WORDS, "admin.cat.error.invalid"), status: 422 });
    }
  });

  app.post("/admin/catalogue/categories/:id{[0-9]+}", requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Category");
    const { fields } = await formOf(c);
    try {
      await updateAdminCategory(ctxOf(c), id, parseInput(categoryUpdate, categoryInput(fields)));
      return c.redirect("/admin/catalogue/categories?done=category_saved", 303);
    } catch (err) {
      return listPage(c, { values: fields, errors: fieldErrors(err, WORDS, "admin.cat.error.invalid"), editing: id, status: 422 });
    }
  });

  app.post("/admin/catalogue/categories/:id{[0-9]+}/delete", requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Category");
    try {
      await deleteAdminCategory(ctxOf(c), id);
      return c.redirect("/admin/catalogue/categories?done=category_deleted", 303);
    } catch (err) {
      return listPage(c, { errors: fieldErrors(err, WORDS, "admin.cat.error.invalid"), status: 422 });
    }
  });

  app.post("/admin/catalogue/categories/:id{[0-9]+}/move", requireCsrf, async (c) => {
    const id = idParam(c.req.param("id"), "Category");
    const { fields } = await formOf(c);
    await moveAdminCategory(ctxOf(c), id, fields.direction === "up" ? "up" : "down");
    return c.redirect(`/admin/catalogue/categories?done=category_moved#category-${id}`, 303);
  });

  return app;
}
