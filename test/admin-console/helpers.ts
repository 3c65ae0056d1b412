import { signUp, type TestPlatform } from "../harness/platform.ts";
import { csrfFrom, get, Jar, post } from "../storefront/helpers.ts";

/** A platform account with the given role, signed in through the login form: the jar holds its session. */
export async function staffJar(p: TestPlatform, role: "admin" | "support" | "user") {
  const u = await signUp(p);
  if (role !== "user") await p.services.db.updateTable("users").set({ role }).where("id", "=", u.user.id).execute();
  const jar = new Jar();
  const page = await get(p, "izyboost.test", "/login", jar);
  const res = await post(p, "izyboost.test", "/login", jar, { _csrf: csrfFrom(page.html), login: u.user.email, password: u.password });
  if (res.res.status !== 303) throw new Error(`login failed: ${res.res.status}`);
  return { ...u, jar, landing: res.res.headers.get("location") };
}

/** A console page as the jar's account sees it. */
export function visit(p: TestPlatform, jar: Jar, path: string, host = "izyboost.test") {
  return get(p, host, path, jar);
}
