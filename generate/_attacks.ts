/**
 * Injected attacks. Each is one attacker session that follows (part of) the
 * chain recon → secrets → IAM escalation → identity creation → lateral
 * movement → defence evasion with a stolen workload identity, from an
 * address and with a user agent the workload never uses. Six variants:
 * `full-chain`, `quiet`, `issuance-missing`, `role-chained`, `mostly-denied`
 * and `pod-identity`. What each did is recorded as it is emitted, so the
 * truth matches the records exactly.
 *
 * @module
 */
import { Rng } from "./_rng.ts";
import type { Actor, Sim } from "./_sim.ts";
import type { Cluster, Estate, Workload } from "./build_estate.ts";
import { roleSession, type Session } from "./_identity.ts";
import { call, type Client, s3RequestId } from "./_client.ts";
import { credentialsResponse, roleResource } from "./_shapes.ts";
import { logPodIdentityIssuance, logWebIdentityIssuance, type PodActor } from "./_pods.ts";
import { awsCli, awsCliLegacy, boto3, type Sdk } from "./_user_agents.ts";
import { roleId, sessionKeyId, userId, userKeyId } from "./_ids.ts";
import { iamDate, isoSeconds, javaDateTime, MINUTE } from "./_time.ts";
import type { NodeState } from "./_pods.ts";

/** The attack variants, in the order they are planned. */
export const VARIANTS: readonly Variant[] = [
  "full-chain",
  "quiet",
  "issuance-missing",
  "role-chained",
  "mostly-denied",
  "pod-identity",
];

/** One attack variant. */
export type Variant =
  | "full-chain"
  | "quiet"
  | "issuance-missing"
  | "role-chained"
  | "mostly-denied"
  | "pod-identity";

/** Ground truth of one attack session, as written to `truth.json`. */
export interface AttackTruth {
  /** `attack-<n>-<variant>`. */
  id: string;
  /** Which of the six attack shapes this is. */
  variant: Variant;
  /** The session's root key first, then keys obtained from it (role chaining). */
  accessKeys: string[];
  /** The pre-existing key used to obtain the root key (Pod Identity: the node role's key). */
  parentAccessKey?: string;
  /** `namespace/name` of the stolen service account. */
  serviceAccount: string;
  /** The cluster the service account belongs to. */
  cluster: string;
  /** The cluster's (and the attack's) account. */
  account: string;
  /** The cluster's region. */
  region: string;
  /** The stolen workload's role. */
  roleArn: string;
  /** The role the root key chained into (`role-chained`). */
  chainedRoleArn?: string;
  /** The attacker's address (every call of the session comes from it). */
  sourceIPAddress: string;
  /** First record of the session (issuance included), ISO seconds. */
  firstSeen: string;
  /** Last record made with the session's keys, ISO seconds. */
  lastSeen: string;
  /** Distinct eventNames called with the session's keys, sorted. */
  actions: string[];
  /** Those of `actions` that failed at least once with an error code, sorted. */
  deniedActions: string[];
  /** Whether the root key's issuance record is in the logs. */
  issuancePresent: boolean;
}

const ATTACKER_IPS = [
  [185, 220, 101],
  [45, 155, 205],
  [193, 142, 146],
  [91, 240, 118],
  [179, 43, 175],
  [5, 188, 206],
  [162, 247, 74],
  [104, 244, 72],
  [194, 26, 192],
  [146, 70, 199],
];

function attackerSdk(rng: Rng): Sdk {
  return rng.pick([
    () =>
      awsCli({
        version: "2.18.0",
        os: "linux#6.10.11-amd64",
        distrib: "kali.2024",
        python: "3.12.6",
      }),
    () => boto3({ version: "1.35.36", os: "macos#23.6.0", arch: "arm64", python: "3.12.7" }),
    () => awsCliLegacy({ version: "2.13.25" }),
    () => boto3({ version: "1.34.162", os: "linux#6.8.0-45-generic", python: "3.10.12" }),
  ])();
}

interface Step {
  at: number;
  run: (sim: Sim) => void;
}

/** Plays an attack's steps at their times. */
class ScriptActor implements Actor {
  next: number;
  #steps: Step[];
  #i = 0;

  constructor(steps: Step[]) {
    this.#steps = steps.sort((a, b) => a.at - b.at);
    this.next = this.#steps.length > 0 ? this.#steps[0].at : Infinity;
  }

  step(sim: Sim): void {
    this.#steps[this.#i++].run(sim);
    this.next = this.#i < this.#steps.length ? this.#steps[this.#i].at : Infinity;
  }
}

class Recorder {
  #actions = new Set<string>();
  #denied = new Set<string>();
  #first = Infinity;
  #last = -Infinity;

  constructor(readonly truth: AttackTruth) {}

  touch(t: number): void {
    if (t < this.#first) this.#first = t;
    if (t > this.#last) this.#last = t;
  }

  track = (name: string, denied: boolean, t: number): void => {
    this.#actions.add(name);
    if (denied) this.#denied.add(name);
    this.touch(t);
  };

  finish(): AttackTruth {
    this.truth.actions = [...this.#actions].sort();
    this.truth.deniedActions = [...this.#denied].sort();
    this.truth.firstSeen = Number.isFinite(this.#first) ? isoSeconds(this.#first) : "";
    this.truth.lastSeen = Number.isFinite(this.#last) ? isoSeconds(this.#last) : "";
    return this.truth;
  }
}

/** Builds an attacker's script: a clock, the current client, and the chain's phases. */
class Script {
  readonly steps: Step[] = [];
  t: number;
  c: Client;
  deny = new Set<string>();

  constructor(readonly rng: Rng, readonly cl: Cluster, readonly w: Workload, t: number, c: Client) {
    this.t = t;
    this.c = c;
  }

  wait(loSeconds: number, hiSeconds: number): void {
    this.t += this.rng.range(loSeconds * 1000, hiSeconds * 1000);
  }

  at(run: (sim: Sim, t: number) => void): void {
    const t = this.t;
    this.steps.push({ at: t, run: (sim) => run(sim, t) });
  }

  /** Calls `name` now with the current client; denied when `name` is in `deny`. */
  api(
    source: string,
    name: string,
    req: unknown,
    o: {
      resp?: unknown;
      resource?: string;
      style?: "iam" | "ec2" | "plain";
      action?: string;
      resources?: unknown;
      region?: string;
      extra?: unknown;
      requestId?: string;
      host?: string;
    } = {},
  ): void {
    const c = this.c;
    const denied = this.deny.has(name);
    const service = source.slice(0, source.indexOf("."));
    const region = o.region ?? (service === "iam" ? "us-east-1" : this.cl.region);
    this.at((sim, t) =>
      call(sim, c, t, {
        source,
        name,
        region,
        req,
        resp: o.resp,
        resources: o.resources,
        extra: o.extra,
        requestId: o.requestId,
        host: o.host,
        deny: denied
          ? {
            action: o.action ?? `${service}:${name}`,
            resource: o.resource,
            style: o.style ?? "iam",
          }
          : undefined,
      })
    );
  }

  recon(count = 6): void {
    const acct = this.cl.account.id;
    const rng = this.rng;
    const steps: (() => void)[] = [
      () => this.api("sts.amazonaws.com", "GetCallerIdentity", null),
      () =>
        this.api("iam.amazonaws.com", "ListUsers", null, {
          resource: `arn:aws:iam::${acct}:user/`,
        }),
      () =>
        this.api("iam.amazonaws.com", "ListRoles", null, {
          resource: `arn:aws:iam::${acct}:role/`,
        }),
      () =>
        this.api("iam.amazonaws.com", "ListAttachedRolePolicies", { roleName: this.roleName() }, {
          resource: this.roleArn(),
        }),
      () =>
        this.api("ec2.amazonaws.com", "DescribeInstances", { instancesSet: {}, filterSet: {} }, {
          style: "ec2",
        }),
      () => {
        const host = `s3.${this.cl.region}.amazonaws.com`;
        this.api("s3.amazonaws.com", "ListBuckets", { Host: host }, {
          style: "plain",
          action: "s3:ListAllMyBuckets",
          host,
          requestId: s3RequestId(rng),
          extra: {
            SignatureVersion: "SigV4",
            CipherSuite: "TLS_AES_128_GCM_SHA256",
            bytesTransferredIn: 0,
            AuthenticationMethod: "AuthHeader",
            "x-amz-id-2": rng.base64(76),
            bytesTransferredOut: 3100 + rng.int(900),
          },
        });
      },
    ];
    for (const s of steps.slice(0, count)) {
      s();
      this.wait(2, 25);
    }
    if (count >= 4 && rng.chance(0.6)) {
      this.api("iam.amazonaws.com", "ListAttachedRolePolicies", {
        roleName: this.cl.account.adminRole.name,
      }, { resource: this.cl.account.adminRole.arn });
      this.wait(2, 20);
    }
  }

  secrets(): void {
    const cl = this.cl;
    const rng = this.rng;
    this.api("secretsmanager.amazonaws.com", "ListSecrets", null);
    this.wait(5, 30);
    for (const secret of rng.shuffle([...cl.secrets]).slice(0, 2 + rng.int(3))) {
      this.api("secretsmanager.amazonaws.com", "GetSecretValue", { secretId: secret }, {
        resource: secret,
      });
      this.wait(1, 12);
    }
    this.api("ssm.amazonaws.com", "DescribeParameters", { maxResults: 50 }, {
      resource: `arn:aws:ssm:${cl.region}:${cl.account.id}:*`,
    });
    this.wait(3, 20);
    const names = cl.parameters.slice(2);
    const arns = names.map((n) => `arn:aws:ssm:${cl.region}:${cl.account.id}:parameter${n}`);
    this.api("ssm.amazonaws.com", "GetParameters", { names, withDecryption: true }, {
      resource: arns[0],
      resources: arns.map((ARN) => ({ ARN, accountId: cl.account.id })),
    });
  }

  escalate(): void {
    const acct = this.cl.account;
    this.api("iam.amazonaws.com", "AttachRolePolicy", {
      roleName: this.roleName(),
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    }, { resource: this.roleArn() });
    this.wait(5, 40);
    this.api("iam.amazonaws.com", "PutRolePolicy", {
      roleName: this.roleName(),
      policyName: this.rng.pick(["AllowDebug", "s3-replication-tmp", "ops-break-glass"]),
      policyDocument:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    }, { resource: this.roleArn() });
    this.wait(5, 40);
    this.api("iam.amazonaws.com", "CreatePolicyVersion", {
      policyArn: acct.managedPolicyArn,
      policyDocument:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      setAsDefault: true,
    }, {
      resource: acct.managedPolicyArn,
      resp: {
        policyVersion: {
          versionId: `v${this.rng.range(2, 6)}`,
          isDefaultVersion: true,
          createDate: iamDate(this.t),
        },
      },
    });
  }

  identities(): void {
    const acct = this.cl.account.id;
    const rng = this.rng;
    const user = rng.pick([
      "svc-metrics-exporter",
      "backup-sync",
      "support-automation",
      "ci-deployer-legacy",
    ]);
    const userArn = `arn:aws:iam::${acct}:user/${user}`;
    this.api("iam.amazonaws.com", "CreateUser", { userName: user }, {
      resource: userArn,
      resp: {
        user: {
          path: "/",
          userName: user,
          userId: userId(rng, acct),
          arn: userArn,
          createDate: iamDate(this.t),
        },
      },
    });
    this.wait(3, 20);
    this.api("iam.amazonaws.com", "CreateAccessKey", { userName: user }, {
      resource: userArn,
      resp: {
        accessKey: {
          userName: user,
          accessKeyId: userKeyId(rng, acct),
          status: "Active",
          createDate: iamDate(this.t),
        },
      },
    });
    this.wait(3, 20);
    this.api("iam.amazonaws.com", "CreateLoginProfile", {
      userName: user,
      passwordResetRequired: false,
    }, {
      resource: userArn,
      resp: {
        loginProfile: { userName: user, createDate: iamDate(this.t), passwordResetRequired: false },
      },
    });
    this.wait(5, 40);
    const roleName = rng.pick([
      "aws-support-diagnostics",
      "OrganizationAccountAccessRole-2",
      "datadog-integration-v2",
    ]);
    const external = String(rng.range(100000, 999999)) + String(rng.range(100000, 999999));
    const trust = JSON.stringify(
      {
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${external}:root` },
          Action: "sts:AssumeRole",
        }],
      },
      null,
      2,
    );
    this.api("iam.amazonaws.com", "CreateRole", { roleName, assumeRolePolicyDocument: trust }, {
      resource: `arn:aws:iam::${acct}:role/${roleName}`,
      resp: {
        role: {
          path: "/",
          roleName,
          roleId: roleId(rng, acct),
          arn: `arn:aws:iam::${acct}:role/${roleName}`,
          createDate: iamDate(this.t),
          assumeRolePolicyDocument: encodeURIComponent(trust),
        },
      },
    });
  }

  lateral(): void {
    const cl = this.cl;
    const rng = this.rng;
    const node = rng.pick(cl.nodes).instanceId;
    const commandId = rng.uuid();
    this.api("ssm.amazonaws.com", "SendCommand", {
      documentName: "AWS-RunShellScript",
      instanceIds: [node],
      interactive: false,
      parameters: "HIDDEN_DUE_TO_SECURITY_REASONS",
    }, {
      resource: `arn:aws:ec2:${cl.region}:${cl.account.id}:instance/${node}`,
      resp: {
        command: {
          commandId,
          documentName: "AWS-RunShellScript",
          documentVersion: "$DEFAULT",
          comment: "",
          expiresAfter: javaDateTime(this.t + 2 * 3600_000),
          parameters: "HIDDEN_DUE_TO_SECURITY_REASONS",
          instanceIds: [node],
          targets: [],
          requestedDateTime: javaDateTime(this.t),
          status: "Pending",
          statusDetails: "Pending",
          outputS3Region: cl.region,
          outputS3BucketName: "",
          outputS3KeyPrefix: "",
          maxConcurrency: "50",
          maxErrors: "0",
          targetCount: 1,
          completedCount: 0,
          errorCount: 0,
          deliveryTimedOutCount: 0,
          serviceRole: "",
          notificationConfig: { notificationArn: "", notificationEvents: [], notificationType: "" },
          cloudWatchOutputConfig: { cloudWatchLogGroupName: "", cloudWatchOutputEnabled: false },
          timeoutSeconds: 3600,
          alarmConfiguration: { ignorePollAlarmFailure: false, alarms: [] },
          triggeredAlarms: [],
          hasCancelCommandSignature: false,
          hasSendCommandSignature: false,
          interactive: false,
          clientName: "",
          clientSourceId: "",
        },
      },
    });
    this.wait(20, 90);
    const sessionName = this.c.session.sessionName ?? "session";
    const sessionId = `${sessionName}-${rng.lowerAlnum(17)}`;
    this.api("ssm.amazonaws.com", "StartSession", { target: node }, {
      resource: `arn:aws:ec2:${cl.region}:${cl.account.id}:instance/${node}`,
      resp: {
        sessionId,
        streamUrl:
          `wss://ssmmessages.${cl.region}.amazonaws.com/v1/data-channel/${sessionId}?role=publish_subscribe&cell-number=${
            rng.base64(64)
          }`,
        tokenValue: "Value hidden due to security reasons.",
      },
    });
  }

  evade(): void {
    const trail = this.cl.account.localTrailArn;
    this.api("cloudtrail.amazonaws.com", "StopLogging", { name: trail }, {
      resource: trail,
      region: "us-east-1",
    });
  }

  roleName(): string {
    return this.c.session.role?.name ?? this.w.role.name;
  }

  roleArn(): string {
    return this.c.session.role?.arn ?? this.w.role.arn;
  }
}

interface Plan {
  variant: Variant;
  candidates: [cluster: string, serviceAccount: string][];
}

const PLANS: Plan[] = [
  {
    variant: "full-chain",
    candidates: [["shop-prod", "ci/gitlab-runner"], ["data-prod", "data/spark-jobs"]],
  },
  {
    variant: "quiet",
    candidates: [["shop-prod", "external-secrets/external-secrets"], [
      "data-prod",
      "external-secrets/external-secrets",
    ]],
  },
  {
    variant: "issuance-missing",
    candidates: [["shop-prod", "kube-system/aws-load-balancer-controller"], [
      "data-prod",
      "external-dns/external-dns",
    ]],
  },
  {
    variant: "role-chained",
    candidates: [["data-prod", "data/spark-jobs"], ["shop-prod", "shop/media-service"]],
  },
  {
    variant: "mostly-denied",
    candidates: [["shop-prod", "shop/orders-api"], ["data-prod", "monitoring/loki"]],
  },
  {
    variant: "pod-identity",
    candidates: [["shop-prod", "shop/cart"], ["shop-prod", "payments/payments-api"], [
      "data-prod",
      "data/airflow-worker",
    ]],
  },
];

const QUIET_SETS = [
  ["GetSecretValue", "CreateAccessKey", "AttachRolePolicy"],
  ["GetParameters", "PutRolePolicy", "CreateLoginProfile"],
  ["GetSecretValue", "CreatePolicyVersion", "CreateAccessKey"],
];

/** The longest an attack runs after its start (its credential lives an hour). */
export const ATTACK_SPAN = 50 * MINUTE;

/** The attack actors and, once the run is over, their truth. */
export interface PlannedAttacks {
  actors: Actor[];
  finish(): AttackTruth[];
}

/**
 * Plans the six attacks inside `[start, end)`; `pods` gives the pods of each
 * workload (Pod Identity tags name a real pod), `nodes` the nodes' states.
 */
export function planAttacks(o: {
  seed: number;
  estate: Estate;
  start: number;
  end: number;
  pods: ReadonlyMap<Workload, PodActor[]>;
  nodes: ReadonlyMap<string, NodeState>;
}): PlannedAttacks {
  const rng = Rng.derive(o.seed, "attacks");
  const lo = o.start + 10 * MINUTE;
  const span = Math.max(0, o.end - ATTACK_SPAN - 5 * MINUTE - lo);
  const slots = rng.shuffle(PLANS.map((_, i) => i));
  const recorders: Recorder[] = [];
  const actors: Actor[] = [];
  PLANS.forEach((plan, i) => {
    const arng = Rng.derive(o.seed, "attack", plan.variant);
    const [clusterName, sa] = arng.pick(plan.candidates);
    const w = o.estate.workloads.find((x) =>
      x.cluster.name === clusterName && x.serviceAccount === sa
    )!;
    const cl = w.cluster;
    const segment = span / PLANS.length;
    const t0 = Math.floor(lo + slots[i] * segment + arng.float() * segment * 0.8);
    const ip = (() => {
      const [a, b, c] = arng.pick(ATTACKER_IPS);
      return `${a}.${b}.${c}.${arng.range(2, 250)}`;
    })();
    const sdk = attackerSdk(arng);
    const truth: AttackTruth = {
      id: `attack-${i + 1}-${plan.variant}`,
      variant: plan.variant,
      accessKeys: [],
      serviceAccount: w.serviceAccount,
      cluster: cl.name,
      account: cl.account.id,
      region: cl.region,
      roleArn: w.role.arn,
      sourceIPAddress: ip,
      firstSeen: "",
      lastSeen: "",
      actions: [],
      deniedActions: [],
      issuancePresent: plan.variant !== "issuance-missing",
    };
    const rec = new Recorder(truth);
    recorders.push(rec);
    const client = (session: Session): Client => ({
      session,
      sdk,
      rng: arng,
      ips: [ip],
      track: rec.track,
    });
    const irsaSession = (created: number): Session =>
      roleSession({
        role: w.role,
        sessionName: sdk.sessionName(arng, created),
        created,
        accessKeyId: sessionKeyId(arng, cl.account.id),
        federatedProvider: cl.providerArn,
      });
    let root: Session;
    const pre: Step[] = [];
    if (plan.variant === "pod-identity") {
      const pod = arng.pick(o.pods.get(w)!);
      root = roleSession({
        role: w.role,
        sessionName: `eks-${cl.name.slice(0, 10)}-${pod.pod.name.slice(0, 10)}-${arng.uuid()}`,
        created: t0,
        accessKeyId: sessionKeyId(arng, cl.account.id),
      });
      const node = pod.pod.node;
      const cli = awsCli({ version: "2.18.0", os: "linux#6.10.11-amd64", distrib: "kali.2024" });
      pre.push({
        at: t0,
        run: (sim) => {
          truth.parentAccessKey = node.session.accessKeyId;
          rec.touch(t0);
          rec.touch(t0 + 150);
          logPodIdentityIssuance(sim, {
            rng: arng,
            workload: w,
            pod: pod.pod,
            session: root,
            time: t0,
            agentIp: ip,
            agentSdk: cli,
            nodeSession: node.session,
          });
        },
      });
    } else if (plan.variant === "issuance-missing") {
      root = irsaSession(t0 - arng.range(60_000, 4 * 60_000));
    } else {
      root = irsaSession(t0);
      pre.push({
        at: t0,
        run: (sim) => {
          rec.touch(t0);
          logWebIdentityIssuance(sim, { rng: arng, workload: w, session: root, time: t0, sdk, ip });
        },
      });
    }
    truth.accessKeys.push(root.accessKeyId!);
    const s = new Script(arng, cl, w, t0 + arng.range(20_000, 90_000), client(root));
    s.steps.push(...pre);
    const phaseGap = () => s.wait(45, 240);
    switch (plan.variant) {
      case "full-chain":
      case "pod-identity":
        s.recon();
        phaseGap();
        s.secrets();
        phaseGap();
        s.escalate();
        phaseGap();
        s.identities();
        phaseGap();
        s.lateral();
        phaseGap();
        s.evade();
        break;
      case "issuance-missing":
        s.recon(5);
        phaseGap();
        s.secrets();
        phaseGap();
        s.escalate();
        break;
      case "quiet": {
        const set = arng.pick(QUIET_SETS);
        const cluster = cl;
        for (const [k, name] of set.entries()) {
          if (k > 0) s.wait(16 * 60, 19 * 60);
          quietAction(s, name, cluster);
        }
        break;
      }
      case "role-chained": {
        s.api("sts.amazonaws.com", "GetCallerIdentity", null);
        s.wait(5, 30);
        s.api("iam.amazonaws.com", "ListRoles", null);
        s.wait(20, 90);
        const admin = cl.account.adminRole;
        const sessionName = sdk.sessionName(arng, s.t);
        const childKey = sessionKeyId(arng, cl.account.id);
        const at = s.t;
        const child = roleSession({ role: admin, sessionName, created: at, accessKeyId: childKey });
        truth.accessKeys.push(childKey);
        truth.chainedRoleArn = admin.arn;
        const parent = s.c;
        s.at((sim, t) =>
          call(sim, parent, t, {
            source: "sts.amazonaws.com",
            name: "AssumeRole",
            region: cl.region,
            req: { roleArn: admin.arn, roleSessionName: sessionName },
            resp: credentialsResponse({
              rng: arng,
              keyId: childKey,
              role: admin,
              sessionName,
              time: t,
              seconds: 3600,
            }),
            resources: roleResource(admin),
            readOnly: true,
          })
        );
        s.wait(10, 40);
        s.c = client(child);
        s.recon(4);
        phaseGap();
        s.secrets();
        phaseGap();
        s.escalate();
        phaseGap();
        s.identities();
        phaseGap();
        s.lateral();
        phaseGap();
        s.evade();
        break;
      }
      case "mostly-denied":
        for (
          const name of [
            "ListUsers",
            "ListRoles",
            "ListAttachedRolePolicies",
            "DescribeInstances",
            "ListSecrets",
            "GetSecretValue",
            "DescribeParameters",
            "GetParameters",
            "AttachRolePolicy",
            "PutRolePolicy",
            "CreatePolicyVersion",
            "CreateUser",
          ]
        ) s.deny.add(name);
        if (arng.chance(0.5)) s.deny.delete("DescribeInstances");
        s.recon();
        phaseGap();
        s.secrets();
        phaseGap();
        s.escalate();
        s.wait(30, 120);
        s.api("iam.amazonaws.com", "CreateUser", { userName: "backup-sync" }, {
          resource: `arn:aws:iam::${cl.account.id}:user/backup-sync`,
        });
        break;
    }
    actors.push(new ScriptActor(s.steps));
  });
  return { actors, finish: () => recorders.map((r) => r.finish()) };
}

function quietAction(s: Script, name: string, cl: Cluster): void {
  const acct = cl.account;
  switch (name) {
    case "GetSecretValue": {
      const secret = cl.secrets[2];
      s.api("secretsmanager.amazonaws.com", "GetSecretValue", { secretId: secret }, {
        resource: secret,
      });
      return;
    }
    case "GetParameters": {
      const names = [cl.parameters[3]];
      s.api("ssm.amazonaws.com", "GetParameters", { names, withDecryption: true }, {
        resources: names.map((n) => ({
          ARN: `arn:aws:ssm:${cl.region}:${acct.id}:parameter${n}`,
          accountId: acct.id,
        })),
      });
      return;
    }
    case "CreateAccessKey": {
      const user = acct.iamUsers[1];
      s.api("iam.amazonaws.com", "CreateAccessKey", { userName: user }, {
        resp: {
          accessKey: {
            userName: user,
            accessKeyId: userKeyId(s.rng, acct.id),
            status: "Active",
            createDate: iamDate(s.t),
          },
        },
      });
      return;
    }
    case "CreateLoginProfile": {
      const user = acct.iamUsers[3];
      s.api("iam.amazonaws.com", "CreateLoginProfile", {
        userName: user,
        passwordResetRequired: false,
      }, {
        resp: {
          loginProfile: { userName: user, createDate: iamDate(s.t), passwordResetRequired: false },
        },
      });
      return;
    }
    case "AttachRolePolicy":
      s.api("iam.amazonaws.com", "AttachRolePolicy", {
        roleName: s.roleName(),
        policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
      });
      return;
    case "PutRolePolicy":
      s.api("iam.amazonaws.com", "PutRolePolicy", {
        roleName: s.roleName(),
        policyName: "s3-replication-tmp",
        policyDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      });
      return;
    default:
      s.api("iam.amazonaws.com", "CreatePolicyVersion", {
        policyArn: acct.managedPolicyArn,
        policyDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        setAsDefault: true,
      }, {
        resp: {
          policyVersion: { versionId: "v3", isDefaultVersion: true, createDate: iamDate(s.t) },
        },
      });
  }
}
