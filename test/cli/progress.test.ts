import { describe, expect, it } from "vitest";
import { terminalProgress } from "../../src/cli/progress.ts";

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  const write = (s: string) => {
    chunks.push(s);
    return true;
  };
  return { chunks, stream: { isTTY, write } as unknown as NodeJS.WriteStream };
}

describe("CLI progress", () => {
  it("in a log, prints a line per quarter and the 100% line once, then the summary", () => {
    const { chunks, stream } = sink(false);
    const p = terminalProgress(stream);
    p.start("sync", 8);
    for (let i = 0; i < 8; i++) p.tick();
    p.done("added 8");
    expect(chunks.join("")).toBe("sync: 2/8 (25%)\nsync: 4/8 (50%)\nsync: 6/8 (75%)\nsync: 8/8 (100%)\nadded 8\n");
  });

  it("on a terminal, redraws one bar in place", () => {
    const { chunks, stream } = sink(true);
    const p = terminalProgress(stream);
    p.start("sync", 2);
    p.tick();
    p.done();
    expect(chunks.every((c) => c.startsWith("\r"))).toBe(true);
    expect(chunks.at(-1)).toMatch(/\[#{30}\] 2\/2 100%\n$/);
  });
});
