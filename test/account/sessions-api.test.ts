import { afterAll, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";

const CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

describeEachDialect("a user's own sessions over the API", (dialect) => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await makePlatform(dialect);
  });
  afterAll(() => p.close());

  async function loginFrom(u: { user: { email: string }; password: string }, ip: string, userAgent: string) {
    const res = await p.request("/api/login", {
      method: "POST",
      ip,
      headers: { "user-agent": userAgent },
      json: { login: u.user.email, password: u.password },
    });
    expect(res.status).toBe(200);
    return (await body(res)).data.token as string;
  }
  const sessionsOf = async (token: string) => {
    const res = await p.request("/api/user/sessions", { token });
    expect(res.status).toBe(200);
    return (await body(res)).data as { id: string; device: string | null; ip: string | null; current: boolean; last_seen_at: string; created_at: string }[];
  };

  it("lists each device in plain words with its address, the current one marked", async () => {
    const u = await signUp(p);
    const phone = await loginFrom(u, "198.51.100.20", SAFARI_IPHONE);
    const laptop = await loginFrom(u, "198.51.100.21", CHROME_WINDOWS);
    const list = await sessionsOf(laptop);
    expect(list).toHaveLength(3);
    expect(list[0]).toMatchObject({ device: "Chrome on Windows", ip: "198.51.100.21", current: true });
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list.find((s) => s.ip === "198.51.100.20")).toMatchObject({ device: "Safari on iPhone", current: false });
    expect(list[0]!.last_seen_at).toMatch(/Z$/);
    // Nothing listed can be used as a token.
    for (const s of list) expect((await p.request("/api/me", { token: s.id })).status).toBe(401);
    expect((await sessionsOf(phone))[0]).toMatchObject({ device: "Safari on iPhone", current: true });
  });

  it("ends one session: its token stops working, the others keep theirs", async () => {
    const u = await signUp(p);
    const phone = await loginFrom(u, "198.51.100.30", SAFARI_IPHONE);
    const laptop = await loginFrom(u, "198.51.100.31", CHROME_WINDOWS);
    const phoneSession = (await sessionsOf(laptop)).find((s) => s.ip === "198.51.100.30")!;
    const res = await p.request(`/api/user/sessions/${phoneSession.id}`, { method: "DELETE", token: laptop });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toEqual({ ended: 1, current: false });
    expect((await p.request("/api/me", { token: phone })).status).toBe(401);
    expect((await p.request("/api/me", { token: laptop })).status).toBe(200);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(200);
    expect((await p.request(`/api/user/sessions/${phoneSession.id}`, { method: "DELETE", token: laptop })).status).toBe(404);
  });

  it("ends every other session and keeps the current one", async () => {
    const u = await signUp(p);
    const phone = await loginFrom(u, "198.51.100.40", SAFARI_IPHONE);
    const laptop = await loginFrom(u, "198.51.100.41", CHROME_WINDOWS);
    const other = await signUp(p);
    const res = await p.request("/api/user/sessions", { method: "DELETE", token: laptop });
    expect(res.status).toBe(200);
    expect((await body(res)).data).toEqual({ ended: 2 });
    expect((await p.request("/api/me", { token: laptop })).status).toBe(200);
    expect((await p.request("/api/me", { token: phone })).status).toBe(401);
    expect((await p.request("/api/me", { token: u.token })).status).toBe(401);
    expect((await p.request("/api/me", { token: other.token })).status).toBe(200);
    expect((await sessionsOf(laptop)).map((s) => s.current)).toEqual([true]);
  });

  it("another user can neither see nor end someone's session (404, and it keeps working)", async () => {
    const victim = await signUp(p);
    const intruder = await signUp(p);
    const [victimSession] = await sessionsOf(victim.token);
    expect((await sessionsOf(intruder.token)).map((s) => s.id)).not.toContain(victimSession!.id);
    const res = await p.request(`/api/user/sessions/${victimSession!.id}`, { method: "DELETE", token: intruder.token });
    expect(res.status).toBe(404);
    expect((await body(res)).error.code).toBe("not_found");
    expect((await p.request("/api/user/sessions", { method: "DELETE", token: intruder.token })).status).toBe(200);
    expect((await p.request("/api/me", { token: victim.token })).status).toBe(200);
  });

  it("needs a signed-in caller", async () => {
    expect((await p.request("/api/user/sessions")).status).toBe(401);
    expect((await p.request("/api/user/sessions", { method: "DELETE" })).status).toBe(401);
  });
});
