/**
 * One Sigma search identifier (a map of `field|modifiers: value(s)`, or a
 * list of such maps) → a two-valued SQL boolean over `events`. Every value
 * from the rule is bound through {@linkcode Params}; only SQL written here and
 * identifiers from the lake schema are text.
 *
 * Semantics (Sigma v2.1): keys of a map AND, maps of a list OR, values of a
 * list OR (AND with `all`); strings match case-insensitively unless `cased`
 * (or `re`); a field with several values (a list inside JSON text) matches
 * when any of its values matches.
 *
 * @module
 */
import {
  type Access,
  anyValue,
  hasValue,
  type Params,
  resolveField,
  Unsupported,
} from "./_fields.ts";
import {
  base64,
  base64offset,
  hasWildcard,
  likePattern,
  literalText,
  parseWildcards,
  type Piece,
  utf16,
  utf8,
  windash,
} from "./_values.ts";

const KNOWN = new Set([
  "contains",
  "startswith",
  "endswith",
  "all",
  "re",
  "i",
  "m",
  "s",
  "cidr",
  "exists",
  "fieldref",
  "windash",
  "base64",
  "base64offset",
  "utf16le",
  "utf16be",
  "utf16",
  "wide",
  "lt",
  "lte",
  "gt",
  "gte",
  "neq",
  "cased",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "year",
]);

const ENCODINGS = new Set(["utf16le", "utf16be", "utf16", "wide", "base64", "base64offset"]);
const PATTERN = new Set(["contains", "startswith", "endswith"]);
const NUMERIC = new Set(["lt", "lte", "gt", "gte"]);
const TIME = new Set(["minute", "hour", "day", "week", "month", "year"]);
const OPS: Record<string, string> = { lt: "<", lte: "<=", gt: ">", gte: ">=" };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Compiles a search identifier's value (a map, or a list of maps). */
export function selectionSql(name: string, value: unknown, params: Params): string {
  if (isObject(value)) return mapSql(name, value, params);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw new Unsupported(`search identifier "${name}"`, "it is an empty list");
    }
    if (value.every(isObject)) {
      return `(${
        value.map((m) => mapSql(name, m as Record<string, unknown>, params)).join(" OR ")
      })`;
    }
    throw new Unsupported(
      `search identifier "${name}"`,
      "keyword lists (values without a field) search the raw event text, which the lake does not keep; " +
        "name the field",
    );
  }
  throw new Unsupported(
    `search identifier "${name}"`,
    "a lone value (keyword search without a field) is not supported; name the field",
  );
}

function mapSql(name: string, map: Record<string, unknown>, params: Params): string {
  const keys = Object.keys(map);
  if (keys.length === 0) throw new Unsupported(`search identifier "${name}"`, "it is an empty map");
  return `(${keys.map((k) => fieldSql(k, map[k], params)).join(" AND ")})`;
}

type Scalar = string | number | boolean | null;

const isScalar = (v: unknown): v is Scalar =>
  v === null || ["string", "number", "boolean"].includes(typeof v);

/** Compiles one `field|modifiers: value(s)` entry. */
export function fieldSql(key: string, raw: unknown, params: Params): string {
  const [field, ...mods] = key.split("|");
  const construct = `"${key}"`;
  if (field === "") {
    throw new Unsupported(construct, "a value without a field (keyword search) is not supported");
  }
  for (const m of mods) {
    if (m === "expand") {
      throw new Unsupported(
        `modifier "expand" in ${construct}`,
        "placeholders need values from a processing pipeline, which podtrail does not have",
      );
    }
    if (!KNOWN.has(m)) {
      throw new Unsupported(`modifier "${m}" in ${construct}`, "it is not a Sigma v2.1 modifier");
    }
  }
  const has = (m: string) => mods.includes(m);
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new Unsupported(construct, "the value list is empty");
  for (const v of values) {
    if (!isScalar(v)) {
      throw new Unsupported(construct, "values must be strings, numbers, booleans or null");
    }
  }
  const access = resolveField(field, params);

  if (has("exists")) {
    if (mods.length !== 1 || values.length !== 1 || typeof values[0] !== "boolean") {
      throw new Unsupported(construct, "exists takes exactly one boolean and no other modifier");
    }
    return values[0] ? hasValue(access) : `(NOT ${hasValue(access)})`;
  }

  const combine = (parts: string[]) =>
    parts.length === 1 ? parts[0] : `(${parts.join(has("all") ? " AND " : " OR ")})`;

  if (has("fieldref")) {
    const allowed = new Set(["fieldref", "all", "cased", "neq", ...PATTERN]);
    const bad = mods.filter((m) => !allowed.has(m));
    if (bad.length) {
      throw new Unsupported(`modifier "${bad[0]}" with fieldref in ${construct}`, "not supported");
    }
    const parts = values.map((v) => {
      if (typeof v !== "string") throw new Unsupported(construct, "fieldref takes field names");
      const other = resolveField(v, params);
      return anyValue(access, (x) => anyValue(other, (y) => compareFields(x, y, mods)));
    });
    const sql = combine(parts);
    return has("neq") ? `(${hasValue(access)} AND NOT ${sql})` : sql;
  }

  const parts = values.map((v) => valueSql(access, v as Scalar, mods, construct, params));
  const sql = combine(parts);
  return has("neq") ? `(${hasValue(access)} AND NOT ${sql})` : sql;
}

/** Case-(in)sensitive comparison of two field texts under contains/startswith/endswith. */
function compareFields(x: string, y: string, mods: string[]): string {
  const cased = mods.includes("cased");
  const [a, b] = cased ? [x, y] : [`lower(${x})`, `lower(${y})`];
  if (mods.includes("contains")) return `contains(${a}, ${b})`;
  if (mods.includes("startswith")) return `starts_with(${a}, ${b})`;
  if (mods.includes("endswith")) return `ends_with(${a}, ${b})`;
  return `(${a} = ${b})`;
}

/** The SQL of one value against the field. */
function valueSql(
  access: Access,
  value: Scalar,
  mods: string[],
  construct: string,
  params: Params,
): string {
  const has = (m: string) => mods.includes(m);
  if (value === null) {
    const other = mods.filter((m) => m !== "all" && m !== "neq");
    if (other.length) {
      throw new Unsupported(construct, `null cannot take the modifier "${other[0]}"`);
    }
    return `(NOT ${hasValue(access)})`;
  }

  if (has("re")) {
    const allowed = new Set(["re", "i", "m", "s", "all", "neq"]);
    const bad = mods.filter((m) => !allowed.has(m));
    if (bad.length) {
      throw new Unsupported(`modifier "${bad[0]}" with re in ${construct}`, "not supported");
    }
    if (typeof value !== "string") throw new Unsupported(construct, "re takes a string");
    const flags = ["i", "m", "s"].filter(has).join("");
    const p = params.bind(flags ? `(?${flags})${value}` : value);
    return anyValue(access, (x) => `regexp_matches(${x}, ${p})`);
  }
  for (const f of ["i", "m", "s"]) {
    if (has(f)) {
      throw new Unsupported(`modifier "${f}" in ${construct}`, "it is a flag of re and needs re");
    }
  }

  if (has("cidr")) {
    const bad = mods.filter((m) => !["cidr", "all", "neq"].includes(m));
    if (bad.length) {
      throw new Unsupported(`modifier "${bad[0]}" with cidr in ${construct}`, "not supported");
    }
    if (typeof value !== "string") {
      throw new Unsupported(construct, "cidr takes a network such as 10.0.0.0/8");
    }
    const net = cidrBits(value);
    if (!net) throw new Unsupported(construct, `"${value}" is not an IPv4 or IPv6 CIDR network`);
    const bits = params.bind(net.bits);
    const len = params.bind(net.family);
    return anyValue(
      access,
      (x) =>
        `(len(podtrail_ip_bits(${x})) = ${len} AND starts_with(podtrail_ip_bits(${x}), ${bits}))`,
    );
  }

  const numeric = mods.filter((m) => NUMERIC.has(m));
  const time = mods.filter((m) => TIME.has(m));
  if (numeric.length || time.length) {
    if (
      numeric.length + time.length > 2 || time.length > 1 ||
      (time.length === 0 && numeric.length > 1)
    ) {
      throw new Unsupported(
        construct,
        "combine at most one time modifier with one of lt/lte/gt/gte",
      );
    }
    const bad = mods.filter((m) => !NUMERIC.has(m) && !TIME.has(m) && m !== "all" && m !== "neq");
    if (bad.length) {
      throw new Unsupported(
        `modifier "${bad[0]}" in ${construct}`,
        "not with lt/gt or time modifiers",
      );
    }
    const n = typeof value === "number" ? value : Number(value);
    if (typeof value === "boolean" || !Number.isFinite(n) || String(value).trim() === "") {
      throw new Unsupported(construct, `"${value}" is not a number`);
    }
    const p = params.bind(n);
    const op = numeric.length ? OPS[numeric[0]] : "=";
    if (time.length) {
      const part = time[0];
      const ts: (x: string) => string = access.kind === "scalar" && access.type === "TIMESTAMPTZ"
        ? () => `timezone('UTC', ${access.native})`
        : (x: string) => `timezone('UTC', TRY_CAST(${x} AS TIMESTAMPTZ))`;
      return anyValue(access, (x) => `(date_part('${part}', ${ts(x)}) ${op} ${p})`);
    }
    return anyValue(access, (x) => `(TRY_CAST(${x} AS DOUBLE) ${op} ${p})`);
  }

  if (typeof value === "boolean") {
    const bad = mods.filter((m) => m !== "all" && m !== "neq");
    if (bad.length) {
      throw new Unsupported(`modifier "${bad[0]}" in ${construct}`, "not with a boolean");
    }
    const p = params.bind(String(value));
    return anyValue(access, (x) => `(lower(${x}) = ${p})`);
  }

  if (
    typeof value === "number" &&
    !mods.some((m) => PATTERN.has(m) || ENCODINGS.has(m) || m === "windash")
  ) {
    const s = params.bind(String(value));
    const n = params.bind(value);
    return anyValue(access, (x) => `(${x} = ${s} OR TRY_CAST(${x} AS DOUBLE) = ${n})`);
  }

  return stringSql(access, String(value), mods, construct, params);
}

/** A string value through windash, encodings and contains/startswith/endswith. */
function stringSql(
  access: Access,
  value: string,
  mods: string[],
  construct: string,
  params: Params,
): string {
  let alternatives: Piece[][] = [parseWildcards(value)];
  let bytes: Uint8Array[] | null = null;
  let patternSeen = false;
  for (const m of mods) {
    if (PATTERN.has(m)) {
      patternSeen = true;
      continue;
    }
    if (m === "windash") {
      if (bytes) throw new Unsupported(construct, "windash after an encoding modifier");
      try {
        alternatives = alternatives.flatMap(windash);
      } catch (e) {
        throw new Unsupported(construct, (e as Error).message);
      }
    } else if (ENCODINGS.has(m)) {
      if (patternSeen) {
        throw new Unsupported(
          construct,
          `"${m}" after contains/startswith/endswith would encode the wildcard`,
        );
      }
      if (alternatives.some(hasWildcard)) {
        throw new Unsupported(construct, `"${m}" cannot encode a value with wildcards`);
      }
      if (m === "base64" || m === "base64offset") {
        const input = bytes ?? alternatives.map((a) => utf8(literalText(a)));
        const encoded = input.flatMap((b) => m === "base64" ? [base64(b)] : base64offset(b));
        alternatives = encoded.map((t) => [{ lit: t }]);
        bytes = null;
      } else {
        if (bytes) throw new Unsupported(construct, "two UTF-16 modifiers");
        const variant = m === "utf16be" ? "be" : m === "utf16" ? "bom" : "le";
        bytes = alternatives.map((a) => utf16(literalText(a), variant));
      }
    }
  }
  if (bytes) {
    throw new Unsupported(
      construct,
      "utf16/wide must be followed by base64 or base64offset: lake values are UTF-8 text",
    );
  }
  const cased = mods.includes("cased");
  const sqls = alternatives.map((pieces) => {
    let p = pieces;
    if (mods.includes("contains")) p = [{ wild: "*" }, ...p, { wild: "*" }];
    else if (mods.includes("startswith")) p = [...p, { wild: "*" }];
    else if (mods.includes("endswith")) p = [{ wild: "*" }, ...p];
    if (!hasWildcard(p)) {
      const b = params.bind(literalText(p));
      return (x: string) => cased ? `(${x} = ${b})` : `(lower(${x}) = lower(${b}))`;
    }
    const b = params.bind(likePattern(p));
    return (x: string) => `(${x} ${cased ? "LIKE" : "ILIKE"} ${b} ESCAPE '\\')`;
  });
  return anyValue(
    access,
    (x) => sqls.length === 1 ? sqls[0](x) : `(${sqls.map((f) => f(x)).join(" OR ")})`,
  );
}

/** A CIDR network → its family length (32 or 128) and its prefix bits, or null. */
export function cidrBits(value: string): { family: number; bits: string } | null {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(value.trim());
  if (!m) return null;
  const v4 = ipv4Bits(m[1]);
  const full = v4 ?? ipv6Bits(m[1]);
  if (!full) return null;
  const family = full.length;
  const prefix = m[2] === undefined ? family : Number(m[2]);
  if (prefix > family) return null;
  return { family, bits: full.slice(0, prefix) };
}

function ipv4Bits(s: string): string | null {
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return null;
  }
  return parts.map((p) => Number(p).toString(2).padStart(8, "0")).join("");
}

function ipv6Bits(s: string): string | null {
  if (!/^[0-9A-Fa-f:]+$/.test(s)) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, "0")).join("");
}

/**
 * `podtrail_ip_bits(text)`: the bit string of an IPv4 (32 characters) or
 * IPv6 (128) address, NULL for anything else. Created in each lake session
 * by `runSigma()`.
 */
export const IP_BITS_MACRO = `CREATE OR REPLACE TEMP MACRO podtrail_ip_bits(ip) AS (
  CASE
    WHEN regexp_full_match(ip, '[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}') THEN
      list_aggregate(list_transform(string_split(ip, '.'),
        lambda o: lpad(bin(TRY_CAST(o AS UTINYINT)), 8, '0')), 'string_agg', '')
    WHEN regexp_full_match(ip, '[0-9A-Fa-f:]+') AND len(string_split(ip, '::')) <= 2 THEN
      (SELECT CASE
         WHEN len(g) = 8 AND list_bool_and(list_transform(g, lambda x: regexp_full_match(x, '[0-9A-Fa-f]{1,4}')))
         THEN list_aggregate(list_transform(g,
           lambda x: lpad(bin(TRY_CAST(('0x' || x) AS USMALLINT)), 16, '0')), 'string_agg', '')
       END
       FROM (SELECT CASE
         WHEN len(string_split(ip, '::')) = 1 THEN string_split(ip, ':')
         ELSE (CASE WHEN string_split(ip, '::')[1] = '' THEN []::VARCHAR[] ELSE string_split(string_split(ip, '::')[1], ':') END)
           || list_transform(range(greatest(0, 8
                - len(CASE WHEN string_split(ip, '::')[1] = '' THEN []::VARCHAR[] ELSE string_split(string_split(ip, '::')[1], ':') END)
                - len(CASE WHEN string_split(ip, '::')[2] = '' THEN []::VARCHAR[] ELSE string_split(string_split(ip, '::')[2], ':') END))),
              lambda z: '0')
           || (CASE WHEN string_split(ip, '::')[2] = '' THEN []::VARCHAR[] ELSE string_split(string_split(ip, '::')[2], ':') END)
         END AS g))
  END
)`;
