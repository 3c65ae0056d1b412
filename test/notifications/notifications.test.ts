import { afterAll, assert, beforeAll, expect, it } from "vitest";
import { body, describeEachDialect, makePlatform, signUp, type TestPlatform } from "../harness/platform.ts";
import { notify } from "../../src/notifications/notify.ts";
import { manualClock } from "../harness/clock.ts";
import { MINUTE } from "../../src/lib/time.ts";

describeEachDialect("in-app notifications", (dialect) => {
  let p: TestPlatform;
  const clock = manualClock();
  beforeAll(async () => {
    p = await makePlatform(dialect, {}, { clock });
  });
  afterAll(() => p.close());

  async function withNotes(n: number) {
    const u = await signUp(p);
    for (let i = 1; i <= n; i++) {
      await notify(p.ctx(), u.user.id, { type: "info", title: `Note ${i}`, body: `Body ${i}`, data: { i } });
      clock.advance(MINUTE);
    }
    const ids = (await p.services.db.selectFrom("notifications").select("id").where("user_id", "=", u.user.id).orderBy("id").execute()).map((r) => r.id);
    return { ...u, ids };
  }

  it("lists the caller's notifications newest first, paginated, with an unread filter and count", async () => {
    const u = await withNotes(5);
    const page1 = await body(await p.request("/api/notifications?per_page=2", { token: u.token }));
    expect(page1.meta).toEqual({ page: 1, per_page: 2, total: 5 });
    expect(page1.data.map((n: any) => n.title)).toEqual(["Note 5", "Note 4"]);
    expect(page1.data[0]).toMatchObject({ type: "info", body: "Body 5", data: { i: 5 }, is_read: false, read_at: null });

    const read = await p.request(`/api/notifications/${u.ids[4]}/read`, { method: "POST", token: u.token });
    expect(read.status).toBe(200);
    expect((await body(read)).data).toMatchObject({ is_read: true });
    expect((await body(await p.request("/api/notifications/unread-count", { token: u.token }))).data).toEqual({ count: 4 });
    const unread = await body(await p.request("/api/notifications?unread=1", { token: u.token }));
    expect(unread.meta.total).toBe(4);
    expect(unread.data.map((n: any) => n.title)).toEqual(["Note 4", "Note 3", "Note 2", "Note 1"]);
    expect((await p.request("/api/notifications?per_page=101", { token: u.token })).status).toBe(422);
    expect((await p.request("/api/notifications?unread=maybe", { token: u.token })).status).toBe(422);
  });

  it("reading twice keeps the first read time; read-all marks the rest", async () => {
    const u = await withNotes(3);
    const first = (await body(await p.request(`/api/notifications/${u.ids[0]}/read`, { method: "POST", token: u.token }))).data.read_at;
    clock.advance(MINUTE);
    const second = (await body(await p.request(`/api/notifications/${u.ids[0]}/read`, { method: "POST", token: u.token }))).data.read_at;
    expect(second).toBe(first);
    const all = await body(await p.request("/api/notifications/read-all", { method: "POST", token: u.token }));
    expect(all.data).toEqual({ updated: 2 });
    expect((await body(await p.request("/api/notifications/unread-count", { token: u.token }))).data.count).toBe(0);
  });

  it("deletes the caller's own notification", async () => {
    const u = await withNotes(2);
    expect((await p.request(`/api/notifications/${u.ids[0]}`, { method: "DELETE", token: u.token })).status).toBe(200);
    expect((await body(await p.request("/api/notifications", { token: u.token }))).meta.total).toBe(1);
    expect((await p.request(`/api/notifications/${u.ids[0]}`, { method: "DELETE", token: u.token })).status).toBe(404);
  });

  it("another user's notification is a 404 for reading and deleting, and read-all leaves it alone", async () => {
    const owner = await withNotes(1);
    const stranger = await withNotes(1);
    const [id] = owner.ids;
    assert(id !== undefined);
    expect((await p.request(`/api/notifications/${id}/read`, { method: "POST", token: stranger.token })).status).toBe(404);
    expect((await p.request(`/api/notifications/${id}`, { method: "DELETE", token: stranger.token })).status).toBe(404);
    await p.request("/api/notifications/read-all", { method: "POST", token: stranger.token });
    const theirs = (await body(await p.request("/api/notifications", { token: stranger.token }))).data;
    expect(theirs.map((n: any) => n.id)).not.toContain(id);
    const row = await p.services.db.selectFrom("notifications").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.read_at).toBeNull();
    expect((await p.request(`/api/notifications/abc/read`, { method: "POST", token: stranger.token })).status).toBe(404);
  });

  it("needs a session", async () => {
    expect((await p.request("/api/notifications")).status).toBe(401);
    expect((await p.request("/api/notifications/unread-count")).status).toBe(401);
    expect((await p.request("/api/notifications/read-all", { method: "POST" })).status).toBe(401);
  });
});
