/**
 * `huntSource()`: the hunt (`hunt/`) as the report's {@linkcode HuntSource}:
 * its findings, its rules' metadata (title, description, SQL text and the
 * thresholds in force) and the action catalog's categories.
 *
 * @module
 */
import { hunt, type HuntOptions } from "../hunt/hunt.ts";
import { RULES } from "../hunt/rules.ts";
import {
  type CatalogEntry,
  DEFAULT_CATALOG,
  mergeCatalog,
  parseActionCatalog,
} from "../queries/action_catalog.ts";
import type { HuntScope, HuntSource } from "./collect_report_data.ts";
import type { ReportRule } from "./report_data.ts";

/** Hunt options the report passes through (the lake, range and minimum severity are the report's). */
export type ReportHuntOptions = Omit<
  HuntOptions,
  "lake" | "from" | "to" | "minSeverity" | "threads"
>;

/** The thresholds of the rules as `hunt()` will apply them. */
function thresholdsInForce(options: ReportHuntOptions): (name: string, fallback: number) => number {
  const given: Record<string, number | undefined> = {
    minActions: options.minActions,
    windowMinutes: options.windowMinutes,
    minControlPlaneActions: options.minControlPlaneActions,
  };
  return (name, fallback) => given[name] ?? fallback;
}

/** The catalog's category of each (eventSource, eventName), `data-plane` and removed entries left out. */
async function categories(options: ReportHuntOptions): Promise<Map<string, string>> {
  let extra: readonly CatalogEntry[] = [];
  if (typeof options.actions === "string") {
    extra = parseActionCatalog(await Deno.readTextFile(options.actions), options.actions);
  } else if (options.actions) extra = options.actions;
  const out = new Map<string, string>();
  for (const e of mergeCatalog(DEFAULT_CATALOG, extra)) {
    if (e.category === "data-plane" || e.category === "none") continue;
    // `RunInstances+PassRole` is RunInstances with an instance profile: the report shows RunInstances.
    const name = e.eventName.replace(/\+.*$/, "");
    const key = `${e.eventSource} ${name}`;
    if (!out.has(key)) out.set(key, e.category);
  }
  return out;
}

/**
 * The hunt as a report source.
 *
 * @example
 * ```ts ignore
 * import { huntSource } from "./hunt_source.ts";
 * import { writeReport } from "./write_report.ts";
 * await writeReport({ lake: "./lake", output: "report.html", hunt: huntSource({ baseline: "./old" }) });
 * ```
 */
export function huntSource(options: ReportHuntOptions = {}): HuntSource {
  let catalog: Map<string, string> | undefined;
  const threshold = thresholdsInForce(options);
  const selected = options.rules ? new Set(options.rules) : undefined;
  return {
    async findings(scope: HuntScope) {
      catalog = await categories(options);
      return await hunt({
        ...options,
        lake: scope.lake,
        from: scope.from,
        to: scope.to,
        minSeverity: scope.minSeverity,
        threads: scope.threads,
      });
    },
    rules(): ReportRule[] {
      return RULES.filter((r) => !selected || selected.has(r.id)).map((r) => ({
        id: r.id,
        title: r.title,
        description: r.description,
        sql: r.sql,
        thresholds: Object.fromEntries(
          r.thresholds.map((t) => [t.name, threshold(t.name, t.default)]),
        ),
        attack: r.attack,
        falsePositives: r.falsePositives,
      }));
    },
    categoryOf(eventSource: string, eventName: string): string | null {
      return catalog?.get(`${eventSource} ${eventName}`) ?? null;
    },
  };
}
