/**
 * `generateEstate()`: simulates an EKS estate under attack and writes its
 * CloudTrail as an S3 export tree (log files and hourly digests) plus a
 * `truth.json` naming the injected attacks.
 *
 * @module
 */
import { OutputExistsError } from "../errors.ts";
import { buildEstate, type Workload } from "./build_estate.ts";
import { TrailWriter } from "./_trail_writer.ts";
import { Sim } from "./_sim.ts";
import type { Actor } from "./_sim.ts";
import { type NodeState, PodActor } from "./_pods.ts";
import { PLATFORM } from "./_platform_pods.ts";
import { APPS } from "./_app_pods.ts";
import {
  AutoScalingActor,
  ConfigActor,
  EksServiceActor,
  NodeActor,
  ServiceEventActor,
} from "./_services.ts";
import { HumanActor } from "./_people.ts";
import { planAttacks } from "./_attacks.ts";
import { Rng } from "./_rng.ts";
import { DAY, isoSeconds } from "./_time.ts";
import type { Truth } from "./truth.ts";

/** Options of {@linkcode generateEstate}. */
export interface GenerateOptions {
  /** Output directory (created when missing). */
  out: string;
  /** Seed of everything generated (a non-negative integer; default 1). */
  seed?: number;
  /** Length of the window in days (default 3; at least 0.0625, i.e. 90 minutes). */
  days?: number;
  /** Volume multiplier: about 33,000 events per day at 1 (default 1). */
  scale?: number;
  /** Start of the window, ISO 8601 or a Date (default 2026-11-02T00:00:00Z). */
  start?: Date | string;
  /** Replace an existing `AWSLogs/` tree and `truth.json` in `out`. */
  force?: boolean;
}

/** What {@linkcode generateEstate} wrote. */
export interface GenerateSummary {
  /** The output directory. */
  out: string;
  /** `<out>/truth.json`. */
  truthPath: string;
  /** The seed used. */
  seed: number;
  /** Window start, ISO seconds. */
  start: string;
  /** Window end (exclusive), ISO seconds. */
  end: string;
  /** Log files (`.json.gz` under `CloudTrail/`). */
  files: number;
  /** Digest files (under `CloudTrail-Digest/`). */
  digestFiles: number;
  /** Records in log files, re-deliveries included. */
  records: number;
  /** Distinct events (`records - duplicates`). */
  events: number;
  /** Re-delivered records. */
  duplicates: number;
  /** Bytes written (log and digest files, compressed). */
  bytes: number;
  /** Uncompressed JSON bytes of the log files. */
  jsonBytes: number;
  /** Injected attack sessions. */
  attacks: number;
}

/** The default window start. */
export const DEFAULT_START = "2026-11-02T00:00:00Z";

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

function parseStart(start: Date | string | undefined): number {
  if (start === undefined) return Date.parse(DEFAULT_START);
  if (start instanceof Date) {
    const ms = start.getTime();
    if (!Number.isFinite(ms)) throw new RangeError("Invalid start: the Date is invalid");
    return Math.floor(ms / 1000) * 1000;
  }
  if (typeof start !== "string") {
    throw new TypeError(`Invalid start: expected an ISO 8601 string or a Date`);
  }
  const ms = ISO.test(start) ? Date.parse(start.length === 10 ? start + "T00:00:00Z" : start) : NaN;
  if (!Number.isFinite(ms)) {
    throw new RangeError(
      `Invalid start "${start}": expected an ISO 8601 time such as ${DEFAULT_START}`,
    );
  }
  return Math.floor(ms / 1000) * 1000;
}

function checkNumber(
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  integer = false,
): number {
  if (typeof value !== "number") {
    throw new TypeError(`Invalid ${name}: expected a number, got ${typeof value}`);
  }
  if (
    !Number.isFinite(value) || value < lo || value > hi || (integer && !Number.isInteger(value))
  ) {
    throw new RangeError(
      `Invalid ${name} "${value}": expected ${
        integer ? "an integer" : "a number"
      } from ${lo} to ${hi}`,
    );
  }
  return value;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Generates the estate's CloudTrail under `options.out` and returns what was written.
 *
 * Same options → byte-identical files. Memory stays bounded: records are
 * written one delivery period (5 minutes) at a time.
 *
 * @example
 * ```ts
 * import { generateEstate } from "./generate_estate.ts";
 * const out = await Deno.makeTempDir();
 * const summary = await generateEstate({ out, seed: 7, days: 0.1, scale: 0.2 });
 * console.log(summary.files > 0, summary.truthPath.endsWith("truth.json")); // true true
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function generateEstate(options: GenerateOptions): Promise<GenerateSummary> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Invalid options: expected an object");
  }
  if (typeof options.out !== "string" || options.out === "") {
    throw new TypeError("Invalid out: expected a directory path");
  }
  const seed = checkNumber("seed", options.seed ?? 1, 0, 2 ** 32 - 1, true);
  const days = checkNumber("days", options.days ?? 3, 0.0625, 366);
  const scale = checkNumber("scale", options.scale ?? 1, 0.001, 1000);
  const start = parseStart(options.start);
  const end = start + Math.round(days * DAY / 1000) * 1000;
  const out = options.out.replace(/\/+$/, "") || "/";
  const truthPath = `${out}/truth.json`;
  for (const path of [`${out}/AWSLogs`, truthPath]) {
    if (await exists(path)) {
      if (!options.force) throw new OutputExistsError(path);
      await Deno.remove(path, { recursive: true });
    }
  }
  await Deno.mkdir(out, { recursive: true });

  const estate = buildEstate(seed);
  const writer = new TrailWriter({
    out,
    buckets: new Map(estate.accounts.map((a) => [a.id, a.bucket])),
    regions: estate.regions,
    start,
    end,
    seed,
  });
  const sim = new Sim({ start, end, scale, seed, writer });

  const actors: Actor[] = [];
  const nodes = new Map<string, NodeState>();
  const byCluster = new Map<string, NodeState[]>();
  for (const cluster of estate.clusters) {
    const states: NodeState[] = [];
    cluster.nodes.forEach((_, index) => {
      const actor = new NodeActor({ seed, cluster, index, start, scale });
      actors.push(actor);
      nodes.set(actor.state.node.instanceId, actor.state);
      states.push(actor.state);
    });
    byCluster.set(cluster.name, states);
  }
  const pods = new Map<Workload, PodActor[]>();
  const placement = Rng.derive(seed, "placement");
  for (const workload of estate.workloads) {
    const behaviour = PLATFORM[workload.app] ?? APPS[workload.app];
    if (behaviour === undefined) throw new Error(`No behaviour for workload "${workload.app}"`);
    const states = byCluster.get(workload.cluster.name)!;
    const list: PodActor[] = [];
    for (let index = 0; index < workload.replicas; index++) {
      const node = workload.daemonSet ? states[index] : states[placement.int(states.length)];
      list.push(new PodActor({ seed, workload, index, node, behaviour, start, scale }));
    }
    pods.set(workload, list);
    actors.push(...list);
  }
  for (const human of estate.humans) {
    actors.push(new HumanActor({ seed, human, estate, start, scale }));
  }
  for (const cluster of estate.clusters) {
    actors.push(new EksServiceActor({ seed, cluster, start, scale }));
    actors.push(new ServiceEventActor({ seed, cluster, start, scale }));
    if (cluster.scaler === "cluster-autoscaler") {
      actors.push(new AutoScalingActor({ seed, cluster, start, scale }));
    }
  }
  for (const account of estate.accounts) {
    actors.push(new ConfigActor({ seed, account, regions: estate.regions, start, scale }));
  }
  const attacks = planAttacks({ seed, estate, start, end, pods, nodes });
  actors.push(...attacks.actors);

  sim.run(actors);
  const totals = writer.close();

  const truth: Truth = {
    seed,
    start: isoSeconds(start),
    end: isoSeconds(end),
    days,
    scale,
    accounts: estate.accounts.map((a) => a.id),
    regions: [...estate.regions],
    clusters: estate.clusters.map((c) => ({
      name: c.name,
      account: c.account.id,
      region: c.region,
      oidcId: c.oidcId,
      providerArn: c.providerArn,
    })),
    attacks: attacks.finish(),
    benign: estate.workloads.map((w) => ({
      serviceAccount: w.serviceAccount,
      cluster: w.cluster.name,
      kind: w.kind,
      workload: w.app,
      roleArn: w.role.arn,
    })),
    totals: {
      files: totals.files,
      records: totals.records,
      duplicates: totals.duplicates,
      digestFiles: totals.digestFiles,
      events: totals.records - totals.duplicates,
    },
  };
  await Deno.writeTextFile(truthPath, JSON.stringify(truth, null, 2) + "\n");
  return {
    out,
    truthPath,
    seed,
    start: truth.start,
    end: truth.end,
    files: totals.files,
    digestFiles: totals.digestFiles,
    records: totals.records,
    events: totals.records - totals.duplicates,
    duplicates: totals.duplicates,
    bytes: totals.bytes,
    jsonBytes: totals.jsonBytes,
    attacks: truth.attacks.length,
  };
}
