/**
 * Writes records as CloudTrail's S3 delivery does: one gzipped
 * `{"Records":[…]}` object per account, region and 5-minute period (split
 * when a period holds more than `maxRecords`), records unsorted, about 0.1%
 * re-delivered in a later file, and an hourly digest per account and region
 * chaining the log files' SHA-256 hashes.
 *
 * Memory is bounded by one period's records per account and region (at most
 * `maxRecords` each): files are serialised, compressed, written and dropped.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { Rng } from "./_rng.ts";
import { datePath, fileStamp, HOUR, isoSeconds, MINUTE } from "./_time.ts";

/** The delivery period of a log file. */
export const PERIOD = 5 * MINUTE;

/** Options of {@linkcode TrailWriter}. */
export interface TrailWriterOptions {
  /** Output directory; the tree starts at `<out>/AWSLogs`. */
  out: string;
  /** Account id → trail bucket name (named in digests). */
  buckets: ReadonlyMap<string, string>;
  regions: readonly string[];
  /** First instant generated (ms). */
  start: number;
  /** End of the window (ms, exclusive). */
  end: number;
  seed: number;
  /** Records per file before a period is split (default 5000). */
  maxRecords?: number;
  /** Share of records re-delivered in a later file (default 0.001). */
  duplicateRate?: number;
  /** gzip level (default 6). */
  level?: number;
}

/** What was written. */
export interface TrailTotals {
  /** Log files (not digests). */
  files: number;
  /** Records in log files, re-deliveries included. */
  records: number;
  /** Re-delivered records (same eventID and content as an earlier file's record). */
  duplicates: number;
  digestFiles: number;
  /** Bytes written (compressed log and digest files). */
  bytes: number;
  /** Uncompressed JSON bytes of the log files. */
  jsonBytes: number;
}

interface LogFileEntry {
  s3Bucket: string;
  s3Object: string;
  hashValue: string;
  hashAlgorithm: "SHA-256";
  newestEventTime: string;
  oldestEventTime: string;
}

interface Pending {
  bytes: Uint8Array;
  time: number;
  /** Period index from which it may be re-delivered. */
  due: number;
}

interface Stream {
  account: string;
  region: string;
  bucket: string;
  /** Records encoded back to back; `starts[i]`..`ends[i]` is record i. */
  buf: Uint8Array;
  used: number;
  starts: number[];
  ends: number[];
  times: number[];
  pending: Pending[];
  logFiles: LogFileEntry[];
  oldest: number;
  newest: number;
  previousDigest: { object: string; hash: string; signature: string } | null;
  fingerprint: string;
}

const encoder = new TextEncoder();
const HEAD = encoder.encode('{"Records":[');
const TAIL = encoder.encode("]}");
const COMMA = 44;

/** Buffers records per account and region and writes the S3 tree. */
export class TrailWriter {
  readonly totals: TrailTotals = {
    files: 0,
    records: 0,
    duplicates: 0,
    digestFiles: 0,
    bytes: 0,
    jsonBytes: 0,
  };
  #o: Required<TrailWriterOptions>;
  #streams = new Map<string, Stream>();
  #order: Stream[] = [];
  #rng: Rng;
  #period: number;
  #hour: number;
  #dirs = new Set<string>();
  #out = new Uint8Array(1 << 20);

  constructor(options: TrailWriterOptions) {
    this.#o = { maxRecords: 5000, duplicateRate: 0.001, level: 6, ...options };
    this.#rng = Rng.derive(options.seed, "writer");
    this.#period = Math.floor(options.start / PERIOD);
    this.#hour = Math.floor(options.start / HOUR);
    for (const [account, bucket] of options.buckets) {
      for (const region of options.regions) {
        const stream: Stream = {
          account,
          region,
          bucket,
          buf: new Uint8Array(1 << 16),
          used: 0,
          starts: [],
          ends: [],
          times: [],
          pending: [],
          logFiles: [],
          oldest: Infinity,
          newest: -Infinity,
          previousDigest: null,
          fingerprint: this.#rng.hex(16),
        };
        this.#streams.set(account + region, stream);
        this.#order.push(stream);
      }
    }
  }

  /** The end (ms) of the period records are currently collected for. */
  get periodEnd(): number {
    return (this.#period + 1) * PERIOD;
  }

  /** Adds a serialised record for delivery in the current period. */
  add(account: string, region: string, time: number, json: string): void {
    const stream = this.#streams.get(account + region);
    if (stream === undefined) throw new RangeError(`Unknown account/region "${account}/${region}"`);
    // Encode now: the bytes live outside the JS heap until the file is written.
    const need = stream.used + json.length * 3;
    if (need > stream.buf.length) {
      const grown = new Uint8Array(Math.max(need, stream.buf.length * 2));
      grown.set(stream.buf.subarray(0, stream.used));
      stream.buf = grown;
    }
    const { written } = encoder.encodeInto(json, stream.buf.subarray(stream.used));
    stream.starts.push(stream.used);
    stream.used += written;
    stream.ends.push(stream.used);
    stream.times.push(time);
    if (stream.times.length >= this.#o.maxRecords) this.#writeFile(stream);
  }

  /** Delivers every period that ends at or before `time`. */
  advance(time: number): void {
    while (time >= this.periodEnd) {
      for (const stream of this.#order) {
        if (stream.times.length > 0) this.#writeFile(stream);
      }
      this.#period++;
      const hour = Math.floor((this.#period * PERIOD) / HOUR);
      while (this.#hour < hour) {
        for (const stream of this.#order) this.#writeDigest(stream, this.#hour);
        this.#hour++;
      }
    }
  }

  /** Delivers what is buffered and the digests of the last hour. */
  close(): TrailTotals {
    for (const stream of this.#order) {
      if (stream.times.length > 0) this.#writeFile(stream);
    }
    const lastHour = Math.floor((this.#o.end - 1) / HOUR);
    while (this.#hour <= lastHour) {
      for (const stream of this.#order) this.#writeDigest(stream, this.#hour);
      this.#hour++;
    }
    return this.totals;
  }

  #mkdir(dir: string): void {
    if (this.#dirs.has(dir)) return;
    Deno.mkdirSync(dir, { recursive: true });
    this.#dirs.add(dir);
  }

  #writeFile(stream: Stream): void {
    const rng = this.#rng;
    const buf = stream.buf;
    const originals = stream.times.length;
    // Records as (bytes, time); the period's own are views into the stream buffer.
    const parts: Uint8Array[] = [];
    const times: number[] = [];
    for (let i = 0; i < originals; i++) {
      const bytes = buf.subarray(stream.starts[i], stream.ends[i]);
      parts.push(bytes);
      times.push(stream.times[i]);
      // Choose re-deliveries among this file's own records.
      if (rng.float() < this.#o.duplicateRate) {
        stream.pending.push({
          bytes: bytes.slice(),
          time: stream.times[i],
          due: this.#period + rng.range(1, 3),
        });
      }
    }
    // Re-deliver earlier files' records that are due.
    let duplicates = 0;
    if (stream.pending.length > 0) {
      const keep: Pending[] = [];
      for (const p of stream.pending) {
        if (p.due <= this.#period && p.time < this.#period * PERIOD) {
          parts.push(p.bytes);
          times.push(p.time);
          duplicates++;
        } else keep.push(p);
      }
      stream.pending = keep;
    }
    // Unsorted, as delivered.
    for (let i = parts.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const r = parts[i];
      parts[i] = parts[j];
      parts[j] = r;
    }
    let oldest = Infinity, newest = -Infinity, size = HEAD.length + TAIL.length + parts.length - 1;
    for (const t of times) {
      if (t < oldest) oldest = t;
      if (t > newest) newest = t;
    }
    for (const p of parts) size += p.length;
    if (this.#out.length < size) this.#out = new Uint8Array(Math.max(size, this.#out.length * 2));
    const json = this.#out.subarray(0, size);
    json.set(HEAD, 0);
    let at = HEAD.length;
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) json[at++] = COMMA;
      json.set(parts[i], at);
      at += parts[i].length;
    }
    json.set(TAIL, at);
    const stampTime = (this.#period + 1) * PERIOD;
    const dir = `AWSLogs/${stream.account}/CloudTrail/${stream.region}/${datePath(stampTime)}`;
    const name = `${stream.account}_CloudTrail_${stream.region}_${fileStamp(stampTime)}_${
      rng.alnum(16)
    }.json.gz`;
    const gz = gzipSync(json, { level: this.#o.level });
    this.#mkdir(`${this.#o.out}/${dir}`);
    Deno.writeFileSync(`${this.#o.out}/${dir}/${name}`, gz);
    stream.logFiles.push({
      s3Bucket: stream.bucket,
      s3Object: `${dir}/${name}`,
      hashValue: createHash("sha256").update(json).digest("hex"),
      hashAlgorithm: "SHA-256",
      newestEventTime: isoSeconds(newest),
      oldestEventTime: isoSeconds(oldest),
    });
    if (oldest < stream.oldest) stream.oldest = oldest;
    if (newest > stream.newest) stream.newest = newest;
    this.totals.files++;
    this.totals.records += parts.length;
    this.totals.duplicates += duplicates;
    this.totals.bytes += gz.length;
    this.totals.jsonBytes += json.length;
    stream.used = 0;
    stream.starts = [];
    stream.ends = [];
    stream.times = [];
  }

  #writeDigest(stream: Stream, hour: number): void {
    const rng = this.#rng;
    const startMs = hour * HOUR;
    const endMs = startMs + HOUR;
    const dir = `AWSLogs/${stream.account}/CloudTrail-Digest/${stream.region}/${datePath(endMs)}`;
    const name = `${stream.account}_CloudTrail-Digest_${stream.region}_${fileStamp(endMs)}_${
      rng.alnum(16)
    }.json.gz`;
    const object = `${dir}/${name}`;
    const empty = stream.logFiles.length === 0;
    const prev = stream.previousDigest;
    const digest = {
      awsAccountId: stream.account,
      digestStartTime: isoSeconds(startMs),
      digestEndTime: isoSeconds(endMs),
      digestS3Bucket: stream.bucket,
      digestS3Object: object,
      digestPublicKeyFingerprint: stream.fingerprint,
      digestSignatureAlgorithm: "SHA256withRSA",
      newestEventTime: empty ? null : isoSeconds(stream.newest),
      oldestEventTime: empty ? null : isoSeconds(stream.oldest),
      previousDigestS3Bucket: prev ? stream.bucket : null,
      previousDigestS3Object: prev ? prev.object : null,
      previousDigestHashValue: prev ? prev.hash : null,
      previousDigestHashAlgorithm: prev ? "SHA-256" : null,
      previousDigestSignature: prev ? prev.signature : null,
      logFiles: stream.logFiles,
    };
    const json = encoder.encode(JSON.stringify(digest));
    const gz = gzipSync(json, { level: this.#o.level });
    this.#mkdir(`${this.#o.out}/${dir}`);
    Deno.writeFileSync(`${this.#o.out}/${object}`, gz);
    stream.previousDigest = {
      object,
      hash: createHash("sha256").update(json).digest("hex"),
      signature: rng.hex(256),
    };
    stream.logFiles = [];
    stream.oldest = Infinity;
    stream.newest = -Infinity;
    this.totals.digestFiles++;
    this.totals.bytes += gz.length;
  }
}
