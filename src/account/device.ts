/** A User-Agent in plain words ("Chrome", "Android"); unknown parts stay null. Order matters: Edge and Opera also say "Chrome". */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\b(OPR|Opera)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/\b(Chrome|CriOS|Chromium|HeadlessChrome)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
  [/^curl\//, "curl"],
];

const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b/, "iPhone"],
  [/\biPad\b/, "iPad"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

export interface Device {
  browser: string | null;
  os: string | null;
}

export function describeDevice(userAgent: string | null): Device {
  const ua = userAgent ?? "";
  return { browser: BROWSERS.find(([re]) => re.test(ua))?.[1] ?? null, os: SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null };
}

/** "Chrome on Windows" / "Chrome sur Windows"; null when nothing is recognised. */
export function deviceLabel(device: Device, on: string): string | null {
  if (device.browser && device.os) return `${device.browser} ${on} ${device.os}`;
  return device.browser ?? device.os;
}
