/**
 * Storage-heavy and application workloads: Velero and Loki (most of the S3
 * data events), the shop's APIs (DynamoDB, SQS, S3), a CI runner, and the
 * data cluster's Spark, Airflow and reporting jobs.
 *
 * @module
 */
import { type Behaviour, diurnal, type PodCtx } from "./_pods.ts";
import { call, s3Data } from "./_client.ts";
import { dynamo, secretName, sqs } from "./_shapes.ts";
import { awsCli, boto3, goV1, goV2, hadoopS3a, javaV2, jsV3 } from "./_user_agents.ts";
import { ec2Id } from "./_ids.ts";
import { datePath, HOUR } from "./_time.ts";

type S3Name = "GetObject" | "PutObject" | "HeadObject" | "DeleteObject" | "ListObjects";

function s3(p: PodCtx, i: number, name: S3Name, bucket: string, key: string, bytes = 0): void {
  s3Data(p.sim, p.c, p.t + i * (30 + p.rng.int(400)), {
    name,
    bucket,
    region: p.cl.region,
    key: name === "ListObjects" ? undefined : key,
    prefix: name === "ListObjects" ? key : undefined,
    bytes,
  });
}

function size(p: PodCtx, lo: number, hi: number): number {
  return Math.round(lo * Math.pow(hi / lo, p.rng.float()));
}

function lokiOp(p: PodCtx): void {
  const rng = p.rng;
  const bucket = p.cl.buckets.loki;
  const op = rng.weighted(["put", "get", "index", "list", "head", "delete"], [50, 30, 5, 8, 5, 2]);
  const chunk = `fake/${rng.hex(8)}/${rng.base64(22).replace(/[+/]/g, "x")}:${rng.hex(5)}:${
    rng.hex(5)
  }:${rng.hex(4)}`;
  const day = Math.floor(p.t / 86_400_000);
  switch (op) {
    case "put":
      return s3(p, 0, "PutObject", bucket, chunk, size(p, 20_000, 1_500_000));
    case "get":
      return s3(p, 0, "GetObject", bucket, chunk, size(p, 20_000, 1_500_000));
    case "index":
      return s3(
        p,
        0,
        "PutObject",
        bucket,
        `index/index_${day}/${p.pod.name}-${Math.floor(p.t / 1000)}.tsdb.gz`,
        size(p, 5_000, 400_000),
      );
    case "list":
      return s3(p, 0, "ListObjects", bucket, `index/index_${day}/`);
    case "head":
      return s3(p, 0, "HeadObject", bucket, chunk);
    default:
      return s3(p, 0, "DeleteObject", bucket, chunk);
  }
}

function veleroOp(p: PodCtx): void {
  const bucket = p.cl.buckets.velero;
  if (p.rng.chance(0.85)) s3(p, 0, "ListObjects", bucket, "backups/");
  else {s3(
      p,
      0,
      "GetObject",
      bucket,
      `backups/hourly-${datePath(p.t - HOUR).replaceAll("/", "")}/velero-backup.json`,
      size(p, 2_000, 9_000),
    );}
}

function veleroBackup(p: PodCtx): void {
  const rng = p.rng;
  const cl = p.cl;
  const bucket = cl.buckets.velero;
  const d = new Date(p.t);
  const name = `hourly-${d.toISOString().slice(0, 13).replace(/[-T]/g, "")}0000`;
  const objects = [
    [`backups/${name}/${name}.tar.gz`, size(p, 200_000, 30_000_000)],
    [`backups/${name}/${name}-logs.gz`, size(p, 5_000, 200_000)],
    [`backups/${name}/${name}-resource-list.json.gz`, size(p, 2_000, 40_000)],
    [`backups/${name}/${name}-volumesnapshots.json.gz`, size(p, 300, 4_000)],
    [`backups/${name}/${name}-itemoperations.json.gz`, size(p, 100, 2_000)],
    [`backups/${name}/${name}-results.gz`, size(p, 100, 2_000)],
    [`backups/${name}/velero-backup.json`, size(p, 2_000, 9_000)],
  ] as const;
  const repeats = Math.max(1, Math.round(p.sim.scale * 0.5));
  let i = 0;
  for (let r = 0; r < repeats; r++) {
    for (const [key, bytes] of objects) {
      s3(p, i++, "PutObject", bucket, r === 0 ? key : `${key}.${r}`, bytes);
    }
  }
  for (let v = 0; v < 3; v++) {
    const snap = ec2Id(rng, "snap");
    const vol = ec2Id(rng, "vol");
    call(p.sim, p.c, p.t + 5000 + v * 800, {
      source: "ec2.amazonaws.com",
      name: "CreateSnapshot",
      region: cl.region,
      req: {
        volumeId: vol,
        description: `velero backup ${name}`,
        tagSpecificationSet: {
          items: [{ resourceType: "snapshot", tags: [{ key: "velero.io/backup", value: name }] }],
        },
      },
      resp: {
        requestId: rng.uuid(),
        snapshotId: snap,
        volumeId: vol,
        status: "pending",
        startTime: p.t - (p.t % 1000),
        progress: "",
        ownerId: cl.account.id,
        volumeSize: 50,
        encrypted: true,
      },
    });
    call(p.sim, p.c, p.t + 30_000 + v * 900, {
      source: "ec2.amazonaws.com",
      name: "DescribeSnapshots",
      region: cl.region,
      req: {
        snapshotSet: { items: [{ snapshotId: snap }] },
        ownersSet: {},
        restorableBySet: {},
        filterSet: {},
      },
    });
  }
}

function ordersOp(p: PodCtx): void {
  const rng = p.rng;
  const table = p.cl.tables[0];
  const op = rng.weighted(["get", "put", "query", "update", "send"], [35, 15, 20, 10, 20]);
  const key = { pk: `ORDER#${rng.upperAlnum(10)}`, sk: "META" };
  if (op === "send") {
    return sqs(p.sim, p.c, p.t, {
      name: "SendMessage",
      queueUrl: p.cl.queues[0],
      region: p.cl.region,
    });
  }
  const name = { get: "GetItem", put: "PutItem", query: "Query", update: "UpdateItem" }[op]!;
  dynamo(p.sim, p.c, p.t, {
    name,
    table,
    region: p.cl.region,
    key,
    item: op === "put" ? ["pk", "sk", "status", "total", "items", "createdAt"] : undefined,
  });
}

function mediaOp(p: PodCtx): void {
  const rng = p.rng;
  const bucket = p.cl.buckets.media;
  const op = rng.weighted(["get", "put", "head"], [60, 20, 20]);
  const key = `${rng.chance(0.7) ? "thumbnails" : "uploads"}/${
    datePath(p.t - rng.int(30) * 86_400_000)
  }/${rng.uuid()}.${rng.pick(["jpg", "png", "webp"])}`;
  if (op === "get") s3(p, 0, "GetObject", bucket, key, size(p, 8_000, 3_000_000));
  else if (op === "put") s3(p, 0, "PutObject", bucket, key, size(p, 8_000, 6_000_000));
  else s3(p, 0, "HeadObject", bucket, key);
}

const RUNNER_CLI = awsCli({
  version: "2.22.35",
  distrib: "debian.12",
  os: "linux#5.10.226-214.879.amzn2.x86_64",
  python: "3.12.6",
});

function gitlabOp(p: PodCtx): void {
  const rng = p.rng;
  const cl = p.cl;
  const op = rng.weighted([
    "cache-get",
    "cache-put",
    "ecr-login",
    "push",
    "whoami",
    "eks",
    "artifact",
  ], [30, 12, 10, 6, 10, 5, 10]);
  const cache = `runner/${rng.lowerAlnum(8)}/project/${rng.range(10, 400)}/${
    rng.pick(["default", "node-modules", "gradle", "go-mod"])
  }-protected`;
  const cli = p.via(RUNNER_CLI);
  switch (op) {
    case "cache-get":
      return s3(p, 0, "GetObject", cl.buckets.ci, cache, size(p, 100_000, 400_000_000));
    case "cache-put":
      return s3(p, 0, "PutObject", cl.buckets.ci, cache, size(p, 100_000, 400_000_000));
    case "ecr-login":
      call(p.sim, cli, p.t, {
        source: "ecr.amazonaws.com",
        name: "GetAuthorizationToken",
        region: cl.region,
        req: null,
      });
      return;
    case "push": {
      const repo = `${cl.name}/${
        rng.pick(["orders-api", "media-service", "cart", "payments-api", "storefront"])
      }`;
      const ecr = (i: number, name: string, req: unknown) =>
        call(p.sim, p.c, p.t + i * 400, {
          source: "ecr.amazonaws.com",
          name,
          region: cl.region,
          req,
        });
      ecr(0, "BatchCheckLayerAvailability", {
        registryId: cl.account.id,
        repositoryName: repo,
        layerDigests: [`sha256:${rng.hex(32)}`, `sha256:${rng.hex(32)}`],
      });
      ecr(1, "InitiateLayerUpload", { registryId: cl.account.id, repositoryName: repo });
      ecr(2, "CompleteLayerUpload", {
        registryId: cl.account.id,
        repositoryName: repo,
        uploadId: rng.uuid(),
        layerDigests: [`sha256:${rng.hex(32)}`],
      });
      ecr(3, "PutImage", {
        registryId: cl.account.id,
        repositoryName: repo,
        imageTag: `${rng.hex(4)}`,
        imageManifestMediaType: "application/vnd.oci.image.manifest.v1+json",
      });
      return;
    }
    case "whoami":
      call(p.sim, cli, p.t, {
        source: "sts.amazonaws.com",
        name: "GetCallerIdentity",
        region: cl.region,
        req: null,
      });
      return;
    case "eks":
      call(p.sim, cli, p.t, {
        source: "eks.amazonaws.com",
        name: "DescribeCluster",
        region: cl.region,
        req: { name: cl.name },
      });
      return;
    default:
      s3Data(p.sim, cli, p.t, {
        name: "PutObject",
        bucket: cl.buckets.artifacts,
        region: cl.region,
        key: `builds/${rng.range(1000, 99999)}/${
          rng.pick(["dist.tar.gz", "report.xml", "coverage.html", "sbom.json"])
        }`,
        bytes: size(p, 5_000, 80_000_000),
      });
  }
}

function cartOp(p: PodCtx): void {
  const rng = p.rng;
  const op = rng.weighted(["GetItem", "UpdateItem", "PutItem"], [50, 30, 10]);
  dynamo(p.sim, p.c, p.t, {
    name: op,
    table: p.cl.tables[1],
    region: p.cl.region,
    key: { cartId: rng.uuid() },
    item: op === "PutItem" ? ["cartId", "items", "ttl"] : undefined,
  });
}

function paymentsOp(p: PodCtx): void {
  const rng = p.rng;
  const cl = p.cl;
  const op = rng.weighted(["put", "get", "secret", "kms", "send"], [15, 15, 4, 15, 15]);
  switch (op) {
    case "put":
      return dynamo(p.sim, p.c, p.t, {
        name: "PutItem",
        table: cl.tables[2],
        region: cl.region,
        key: { paymentId: rng.uuid() },
        item: ["paymentId", "orderId", "amount", "currency", "status"],
      });
    case "get":
      return dynamo(p.sim, p.c, p.t, {
        name: "GetItem",
        table: cl.tables[2],
        region: cl.region,
        key: { paymentId: rng.uuid() },
      });
    case "secret":
      call(p.sim, p.c, p.t, {
        source: "secretsmanager.amazonaws.com",
        name: "GetSecretValue",
        region: cl.region,
        req: { secretId: secretName(cl.secrets[2]) },
      });
      return;
    case "kms": {
      const name = rng.chance(0.6) ? "Decrypt" : "GenerateDataKey";
      call(p.sim, p.c, p.t, {
        source: "kms.amazonaws.com",
        name,
        region: cl.region,
        req: name === "Decrypt"
          ? { encryptionAlgorithm: "SYMMETRIC_DEFAULT", encryptionContext: { service: "payments" } }
          : { keyId: cl.kmsKeyArn, keySpec: "AES_256", encryptionContext: { service: "payments" } },
        resources: [{ accountId: cl.account.id, type: "AWS::KMS::Key", ARN: cl.kmsKeyArn }],
      });
      return;
    }
    default:
      return sqs(p.sim, p.c, p.t, {
        name: "SendMessage",
        queueUrl: cl.queues[1],
        region: cl.region,
      });
  }
}

function sparkKey(p: PodCtx): string {
  const d = new Date(p.t - p.rng.int(6) * HOUR);
  return `raw/events/dt=${d.toISOString().slice(0, 10)}/hour=${
    String(d.getUTCHours()).padStart(2, "0")
  }/part-${String(p.rng.int(200)).padStart(5, "0")}-${p.rng.uuid()}.c000.snappy.parquet`;
}

function sparkOp(p: PodCtx): void {
  const rng = p.rng;
  const bucket = p.cl.buckets.lake;
  const op = rng.weighted(["get", "list", "put", "head", "delete"], [40, 20, 20, 15, 5]);
  const key = sparkKey(p);
  switch (op) {
    case "get":
      return s3(p, 0, "GetObject", bucket, key, size(p, 1_000_000, 130_000_000));
    case "list":
      return s3(p, 0, "ListObjects", bucket, key.slice(0, key.lastIndexOf("/") + 1));
    case "put":
      return s3(
        p,
        0,
        "PutObject",
        bucket,
        key.replace("raw/", "curated/"),
        size(p, 1_000_000, 130_000_000),
      );
    case "head":
      return s3(p, 0, "HeadObject", bucket, key);
    default:
      return s3(p, 0, "DeleteObject", bucket, key.replace("raw/", "_temporary/"));
  }
}

function airflowOp(p: PodCtx): void {
  const rng = p.rng;
  const cl = p.cl;
  const op = rng.weighted(["get", "put", "list", "receive", "delete", "secret"], [
    30,
    20,
    15,
    20,
    10,
    3,
  ]);
  const key = `dags/${rng.pick(["ingest_orders", "daily_revenue", "sync_crm", "export_ads"])}/${
    new Date(p.t).toISOString().slice(0, 10)
  }/${rng.hex(6)}.json`;
  switch (op) {
    case "get":
      return s3(p, 0, "GetObject", cl.buckets.lake, key, size(p, 2_000, 20_000_000));
    case "put":
      return s3(p, 0, "PutObject", cl.buckets.lake, key, size(p, 2_000, 20_000_000));
    case "list":
      return s3(p, 0, "ListObjects", cl.buckets.lake, key.slice(0, key.lastIndexOf("/") + 1));
    case "receive":
      return sqs(p.sim, p.c, p.t, {
        name: "ReceiveMessage",
        queueUrl: cl.queues[3],
        region: cl.region,
      });
    case "delete":
      return sqs(p.sim, p.c, p.t, {
        name: "DeleteMessage",
        queueUrl: cl.queues[3],
        region: cl.region,
      });
    default:
      call(p.sim, p.c, p.t, {
        source: "secretsmanager.amazonaws.com",
        name: "GetSecretValue",
        region: cl.region,
        req: { secretId: secretName(cl.secrets[0]) },
      });
  }
}

function reportingOp(p: PodCtx): void {
  const rng = p.rng;
  const key = sparkKey(p).replace("raw/", "curated/");
  if (rng.chance(0.7)) {
    s3(p, 0, "GetObject", p.cl.buckets.lake, key, size(p, 1_000_000, 130_000_000));
  } else s3(p, 0, "ListObjects", p.cl.buckets.lake, key.slice(0, key.lastIndexOf("/") + 1));
}

function hourlyJobs(t: number): number {
  const minute = (t / 60_000) % 60;
  return minute < 20 ? 2.5 : 0.25;
}

/** Application behaviours, by workload `app`. */
export const APPS: Record<string, Behaviour> = {
  "loki": { sdk: () => goV1({ core: "1.55.5", go: "1.23.4" }), op: lokiOp },
  "velero": {
    sdk: () => goV2({ core: "1.26.1", go: "1.22.8" }),
    op: veleroOp,
    hourly: veleroBackup,
  },
  "orders-api": {
    sdk: () => boto3({ version: "1.35.36", python: "3.12.7" }),
    op: ordersOp,
    shape: diurnal(-5),
  },
  "media-service": { sdk: javaV2, op: mediaOp, shape: diurnal(-5) },
  "gitlab-runner": {
    sdk: () => goV2({ core: "1.30.3", go: "1.22.7" }),
    op: gitlabOp,
    shape: diurnal(-5),
  },
  "cart": { sdk: jsV3, op: cartOp, shape: diurnal(-5) },
  "payments-api": {
    sdk: () => goV2({ core: "1.32.6", go: "1.23.4" }),
    op: paymentsOp,
    shape: diurnal(-5),
  },
  "spark-jobs": { sdk: hadoopS3a, op: sparkOp, shape: hourlyJobs },
  "airflow-worker": { sdk: () => boto3({ version: "1.34.162", python: "3.11.9" }), op: airflowOp },
  "reporting": {
    sdk: () => boto3({ version: "1.35.36", python: "3.12.7" }),
    op: reportingOp,
    shape: diurnal(1),
  },
};
