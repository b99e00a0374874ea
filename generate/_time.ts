/**
 * The time formats CloudTrail writes: ISO seconds for `eventTime`, the
 * Java-style "Nov 2, 2026, 11:11:12 AM" of STS expirations, the "Jul 30, 2024
 * 9:53:13 PM" of IAM create dates, and the `YYYYMMDDTHHmmZ` of S3 object names.
 *
 * @module
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

let cachedSecond = NaN;
let cachedIso = "";

/** `2026-11-02T10:11:12Z` (seconds, no fraction). */
export function isoSeconds(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedIso = new Date(second * 1000).toISOString().slice(0, 19) + "Z";
  }
  return cachedIso;
}

function javaParts(ms: number): { date: string; time: string } {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return {
    date: `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`,
    time: `${h12}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`,
  };
}

/** `Nov 2, 2026, 11:11:12 AM` (STS `credentials.expiration`, SSM dates). */
export function javaDateTime(ms: number): string {
  const p = javaParts(ms);
  return `${p.date}, ${p.time}`;
}

/** `Nov 2, 2026 11:11:12 AM` (IAM `createDate`: no comma before the time). */
export function iamDate(ms: number): string {
  const p = javaParts(ms);
  return `${p.date} ${p.time}`;
}

/** `20261102T1015Z` (log file names). */
export function fileStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}T` +
    `${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}Z`;
}

/** `2026/11/02` (the date folders of the S3 tree). */
export function datePath(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}`;
}

/** Milliseconds in a minute, hour and day. */
export const MINUTE = 60_000;
/** Milliseconds in an hour. */
export const HOUR = 3_600_000;
/** Milliseconds in a day. */
export const DAY = 86_400_000;
