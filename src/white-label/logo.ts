import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import sharp, { type Metadata } from "sharp";
import type { Config } from "../config/config.ts";
import { fieldError } from "../core/errors.ts";

const LOGO_MAX_BYTES = 5 * 1024 * 1024;
const MIN_SIDE = 16;
const MAX_SIDE = 4096;
const LOGO_WIDTH = 512;
const LOGO_FILES = ["logo.png", "favicon-32.png", "favicon-180.png"] as const;

export interface PreparedLogo {
  "logo.png": Buffer;
  "favicon-32.png": Buffer;
  "favicon-180.png": Buffer;
}

/** The real format from the first bytes; the file name and the declared type are never trusted. */
function sniff(b: Buffer): "png" | "jpeg" | "webp" | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 12 && b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WEBP") return "webp";
  return null;
}

const invalid = (message: string) => fieldError("logo", message);

/**
 * Checks an uploaded logo (a real PNG, JPEG or WebP that decodes completely, ≤ 5 MB, sane
 * dimensions) and renders the stored files: the logo at most 512 px wide and two square favicons.
 * Nothing is written here, so a rejected upload changes nothing.
 */
export async function prepareLogo(file: unknown): Promise<PreparedLogo> {
  if (!(file instanceof File)) throw invalid("Must be an uploaded image file");
  if (file.size > LOGO_MAX_BYTES) throw invalid("The logo must be at most 5 MB");
  if (file.size === 0) throw invalid("The file is empty");
  const input = Buffer.from(await file.arrayBuffer());
  const format = sniff(input);
  if (!format) throw invalid("The logo must be a PNG, JPEG or WebP image");
  const opts = { failOn: "error" as const, limitInputPixels: MAX_SIDE * MAX_SIDE, pages: 1 };
  let meta: Metadata;
  try {
    meta = await sharp(input, opts).metadata();
  } catch {
    throw invalid("The image could not be read");
  }
  if (meta.format !== format) throw invalid("The logo must be a PNG, JPEG or WebP image");
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (width < MIN_SIDE || height < MIN_SIDE) throw invalid(`The logo must be at least ${MIN_SIDE}×${MIN_SIDE} pixels`);
  if (width > MAX_SIDE || height > MAX_SIDE || width / height > 20 || height / width > 20)
    throw invalid(`The logo dimensions are not usable (at most ${MAX_SIDE} pixels a side)`);
  const base = sharp(input, opts).rotate();
  const square = (n: number) =>
    base
      .clone()
      .resize(n, n, { fit: "contain", background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png()
      .toBuffer();
  try {
    const [logo, f32, f180] = await Promise.all([
      base.clone().resize({ width: LOGO_WIDTH, withoutEnlargement: true }).png().toBuffer(),
      square(32),
      square(180),
    ]);
    return { "logo.png": logo, "favicon-32.png": f32, "favicon-180.png": f180 };
  } catch {
    throw invalid("The image is damaged or incomplete");
  }
}

/** DATA_DIR/uploads/sites/<site uuid>/ */
function siteUploadDir(config: Config, siteUuid: string): string {
  return resolve(config.DATA_DIR, "uploads", "sites", siteUuid);
}

/** The stored `logo_path`, relative to DATA_DIR. */
export function logoPath(siteUuid: string): string {
  return join("uploads", "sites", siteUuid, "logo.png");
}

/**
 * Changes of one site's files in progress, by directory. The directory belongs to the process, not to
 * an app (two apps over one DATA_DIR write the same files), so this is the one module-level map here.
 */
const changing = new Map<string, Promise<unknown>>();

/**
 * Runs `change` once every earlier change of the site's files (and of the stored `logo_path` beside
 * them) has finished, so parallel uploads apply one after the other: the last one wins, whole.
 */
export async function oneAtATimePerSite<T>(config: Config, siteUuid: string, change: () => Promise<T>): Promise<T> {
  const dir = siteUploadDir(config, siteUuid);
  const run = (changing.get(dir) ?? Promise.resolve()).then(change, change);
  const settled = run.catch(() => undefined);
  changing.set(dir, settled);
  try {
    return await run;
  } finally {
    if (changing.get(dir) === settled) changing.delete(dir);
  }
}

/**
 * Replaces a site's logo and favicons: each file is written under a name no other upload uses, then
 * renamed over its final name, so a reader never sees a half-written image (call it through
 * oneAtATimePerSite so the three files come from the same upload).
 */
export async function writeLogo(config: Config, siteUuid: string, files: PreparedLogo): Promise<void> {
  const dir = siteUploadDir(config, siteUuid);
  await mkdir(dir, { recursive: true });
  const suffix = `.${randomBytes(8).toString("hex")}.tmp`;
  try {
    await Promise.all(LOGO_FILES.map((name) => writeFile(join(dir, name + suffix), files[name])));
    for (const name of LOGO_FILES) await rename(join(dir, name + suffix), join(dir, name));
  } catch (err) {
    await Promise.all(LOGO_FILES.map((name) => rm(join(dir, name + suffix), { force: true })));
    throw err;
  }
}

export async function deleteLogo(config: Config, siteUuid: string): Promise<void> {
  const dir = siteUploadDir(config, siteUuid);
  await Promise.all(LOGO_FILES.map((name) => rm(join(dir, name), { force: true })));
}
