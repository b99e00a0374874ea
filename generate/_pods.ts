/**
 * Pods with AWS identities. An IRSA pod exchanges its projected token for a
 * fresh role credential about every hour (AssumeRoleWithWebIdentity from the
 * cluster's NAT address), a Pod Identity pod gets one from the node's agent
 * every few hours (eks-auth AssumeRoleForPodIdentity by the node role, then
 * the sts AssumeRole by `pods.eks.amazonaws.com`); between renewals the pod
 * calls AWS with its current key according to its behaviour.
 *
 * @module
 */
import type { Rng } from "./_rng.ts";
import { Rng as RngClass } from "./_rng.ts";
import type { Actor, Sim } from "./_sim.ts";
import type { Cluster, Node, Workload } from "./build_estate.ts";
import { newRoleSession, type Session, webIdentityUserJson } from "./_identity.ts";
import { awsServiceJson } from "./_identity.ts";
import { call, type Client } from "./_client.ts";
import { credentialsResponse, roleResource } from "./_shapes.ts";
import { goV2, type Sdk } from "./_user_agents.ts";
import { HOUR, MINUTE } from "./_time.ts";

/** A node's current instance-profile session (shared with the node actor). */
export interface NodeState {
  readonly node: Node;
  session: Session;
}

/** A pod as the issuance records name it. */
export interface Pod {
  readonly name: string;
  readonly uid: string;
  readonly node: NodeState;
}

/** What a behaviour sees when it acts. */
export interface PodCtx {
  readonly sim: Sim;
  /** The pod's client with its current credential. */
  readonly c: Client;
  readonly t: number;
  readonly rng: Rng;
  readonly w: Workload;
  readonly cl: Cluster;
  readonly pod: Pod;
  /** The same credential used through another SDK (e.g. a CLI in a CI job). */
  via(sdk: Sdk): Client;
}

/** How a workload behaves. */
export interface Behaviour {
  /** The SDK its pods use. */
  sdk: () => Sdk;
  /** One operation (one or a few calls) at `p.t`. */
  op: (p: PodCtx) => void;
  /** A burst run once an hour (backups, batch jobs). */
  hourly?: (p: PodCtx) => void;
  /** Rate modulation (mean 1) by time; flat when absent. */
  shape?: (t: number) => number;
  /** Session name override for IRSA (else the SDK's). */
  sessionName?: (rng: Rng, t: number) => string;
}

const K8S_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function k8sSuffix(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += K8S_ALPHABET[rng.int(K8S_ALPHABET.length)];
  return s;
}

/** Pod names as Deployments (`name-<hash>-<id>`) and DaemonSets (`name-<id>`) make them. */
export function podName(rng: Rng, w: Workload): string {
  return w.daemonSet
    ? `${w.name}-${k8sSuffix(rng, 5)}`
    : `${w.name}-${k8sSuffix(rng, 10)}-${k8sSuffix(rng, 5)}`;
}

/** The eks-pod-identity-agent's SDK. */
export const POD_IDENTITY_AGENT = goV2({ core: "1.30.4", go: "1.22.7" });

/** Day-shaped traffic (peak mid-afternoon at the given UTC offset), mean 1. */
export function diurnal(utcOffset: number): (t: number) => number {
  return (t) => {
    const h = ((t / HOUR + utcOffset) % 24 + 24) % 24;
    return 1 - 0.55 * Math.cos((2 * Math.PI * (h - 4)) / 24);
  };
}

/** One pod of a workload. */
export class PodActor implements Actor {
  next: number;
  readonly pod: Pod;
  readonly workload: Workload;
  /** The key the pod uses now (tests and attacks read it). */
  session: Session;
  #rng: Rng;
  #b: Behaviour;
  #sdk: Sdk;
  #client: Client;
  #renewAt: number;
  #nextHourly: number;
  #via = new Map<Sdk, Client>();
  #perPodRate: number;

  constructor(
    o: {
      seed: number;
      workload: Workload;
      index: number;
      node: NodeState;
      behaviour: Behaviour;
      start: number;
      scale: number;
    },
  ) {
    const w = o.workload;
    this.workload = w;
    this.#rng = RngClass.derive(o.seed, "pod", w.cluster.name, w.serviceAccount, o.index);
    const rng = this.#rng;
    this.#b = o.behaviour;
    this.#sdk = o.behaviour.sdk();
    this.pod = { name: podName(rng, w), uid: rng.uuid(), node: o.node };
    this.#perPodRate = (w.rate * o.scale) / w.replicas;
    // The credential in use when the window opens was issued before it (not in the logs).
    const lifetime = w.kind === "irsa" ? HOUR : 6 * HOUR;
    const issued = o.start - rng.int(lifetime - 10 * MINUTE);
    this.session = this.#newSession(issued);
    this.#renewAt = this.#renewTime(issued);
    this.#client = this.#makeClient(this.#sdk);
    this.#nextHourly = o.start + rng.int(HOUR);
    this.next = o.start + rng.exp(HOUR / this.#perPodRate);
  }

  #sessionName(t: number): string {
    const w = this.workload;
    if (w.kind === "pod-identity") {
      return `eks-${w.cluster.name.slice(0, 10)}-${this.pod.name.slice(0, 10)}-${this.#rng.uuid()}`;
    }
    return (this.#b.sessionName ?? this.#sdk.sessionName)(this.#rng, t);
  }

  #newSession(t: number): Session {
    const w = this.workload;
    return newRoleSession(this.#rng, {
      role: w.role,
      sessionName: this.#sessionName(t),
      created: t,
      federatedProvider: w.kind === "irsa" ? w.cluster.providerArn : undefined,
    });
  }

  #renewTime(issued: number): number {
    return this.workload.kind === "irsa"
      ? issued + 50 * MINUTE + this.#rng.int(9 * MINUTE)
      : issued + 5 * HOUR + this.#rng.int(50 * MINUTE);
  }

  #makeClient(sdk: Sdk): Client {
    const n = this.pod.node.node;
    return {
      session: this.session,
      sdk,
      rng: this.#rng,
      ips: [n.natIp],
      privateIp: n.privateIp,
      vpce: this.workload.cluster.s3VpcEndpoint,
      errorRate: 0.003,
    };
  }

  step(sim: Sim): void {
    const t = this.next;
    if (t >= this.#renewAt) this.renew(sim, t);
    const ctx: PodCtx = {
      sim,
      c: this.#client,
      t: t + 200,
      rng: this.#rng,
      w: this.workload,
      cl: this.workload.cluster,
      pod: this.pod,
      via: (sdk) => {
        let c = this.#via.get(sdk);
        if (c === undefined || c.session !== this.session) {
          c = this.#makeClient(sdk);
          this.#via.set(sdk, c);
        }
        return c;
      },
    };
    if (this.#b.hourly && t >= this.#nextHourly) {
      this.#nextHourly += HOUR;
      this.#b.hourly(ctx);
    }
    this.#b.op(ctx);
    const shape = this.#b.shape ? this.#b.shape(t) : 1;
    this.next = t + 1 + this.#rng.exp(HOUR / (this.#perPodRate * shape));
  }

  /** Gets a fresh credential now and logs its issuance. */
  renew(sim: Sim, t: number): void {
    const w = this.workload;
    const rng = this.#rng;
    this.session = this.#newSession(t);
    this.#renewAt = this.#renewTime(t);
    this.#client = this.#makeClient(this.#sdk);
    if (w.kind === "irsa") {
      logWebIdentityIssuance(sim, {
        rng,
        workload: w,
        session: this.session,
        time: t,
        sdk: this.#sdk,
        ip: this.pod.node.node.natIp,
      });
    } else {
      logPodIdentityIssuance(sim, {
        rng,
        workload: w,
        pod: this.pod,
        session: this.session,
        time: t,
        agentIp: this.pod.node.node.natIp,
        agentSdk: POD_IDENTITY_AGENT,
        nodeSession: this.pod.node.session,
      });
    }
  }
}

/** Logs AssumeRoleWithWebIdentity issuing `session` (IRSA). */
export function logWebIdentityIssuance(
  sim: Sim,
  o: {
    rng: Rng;
    workload: Workload;
    session: Session;
    time: number;
    sdk: Sdk;
    ip: string;
    durationSeconds?: number;
    track?: Client["track"];
  },
): void {
  const w = o.workload;
  const subject = `system:serviceaccount:${w.namespace}:${w.name}`;
  const client: Client = {
    session: {
      arn: w.cluster.providerArn,
      account: w.cluster.account.id,
      identity: webIdentityUserJson(w.cluster.providerArn, subject),
      created: o.time,
    },
    sdk: o.sdk,
    rng: o.rng,
    ips: [o.ip],
    track: o.track,
  };
  const req: Record<string, unknown> = {
    roleArn: w.role.arn,
    roleSessionName: o.session.sessionName,
  };
  if (o.durationSeconds !== undefined) req.durationSeconds = o.durationSeconds;
  const creds = credentialsResponse({
    rng: o.rng,
    keyId: o.session.accessKeyId!,
    role: w.role,
    sessionName: o.session.sessionName!,
    time: o.time,
    seconds: o.durationSeconds ?? 3600,
  });
  call(sim, client, o.time, {
    source: "sts.amazonaws.com",
    name: "AssumeRoleWithWebIdentity",
    region: w.cluster.region,
    req,
    resp: {
      credentials: creds.credentials,
      subjectFromWebIdentityToken: subject,
      assumedRoleUser: creds.assumedRoleUser,
      provider: w.cluster.providerArn,
      audience: "sts.amazonaws.com",
    },
    extra: { identityProviderConnectionVerificationMethod: "IAMTrustStore" },
    resources: roleResource(w.role),
    readOnly: true,
  });
}

/** Logs the two records of a Pod Identity credential: eks-auth by the node, sts by EKS. */
export function logPodIdentityIssuance(
  sim: Sim,
  o: {
    rng: Rng;
    workload: Workload;
    pod: { name: string; uid: string };
    session: Session;
    time: number;
    agentIp: string;
    agentSdk: Sdk;
    nodeSession: Session;
    track?: Client["track"];
  },
): void {
  const w = o.workload;
  const cl = w.cluster;
  const agent: Client = {
    session: o.nodeSession,
    sdk: o.agentSdk,
    rng: o.rng,
    ips: [o.agentIp],
    track: o.track,
  };
  call(sim, agent, o.time, {
    source: "eks-auth.amazonaws.com",
    name: "AssumeRoleForPodIdentity",
    region: cl.region,
    req: { clusterName: cl.name, token: "HIDDEN_DUE_TO_SECURITY_REASONS" },
    resp: null,
    readOnly: true,
  });
  const tags = [
    { key: "eks-cluster-arn", value: cl.arn },
    { key: "eks-cluster-name", value: cl.name },
    { key: "kubernetes-namespace", value: w.namespace },
    { key: "kubernetes-service-account", value: w.name },
    { key: "kubernetes-pod-name", value: o.pod.name },
    { key: "kubernetes-pod-uid", value: o.pod.uid },
  ];
  const eks: Client = {
    session: {
      arn: "pods.eks.amazonaws.com",
      account: cl.account.id,
      identity: awsServiceJson("pods.eks.amazonaws.com"),
      created: o.time,
    },
    sdk: o.agentSdk,
    rng: o.rng,
    ips: ["pods.eks.amazonaws.com"],
  };
  const creds = credentialsResponse({
    rng: o.rng,
    keyId: o.session.accessKeyId!,
    role: w.role,
    sessionName: o.session.sessionName!,
    time: o.time,
    seconds: 21600,
  });
  call(sim, eks, o.time + 150, {
    source: "sts.amazonaws.com",
    name: "AssumeRole",
    region: cl.region,
    version: "1.08",
    req: {
      roleArn: w.role.arn,
      roleSessionName: o.session.sessionName,
      durationSeconds: 21600,
      tags,
      transitiveTagKeys: tags.map((tag) => tag.key),
    },
    resp: { ...creds, packedPolicySize: 50 + o.rng.int(20) },
    resources: roleResource(w.role),
    readOnly: true,
    sharedEventID: o.rng.uuid(),
    sourceIPAddress: "pods.eks.amazonaws.com",
    userAgent: "pods.eks.amazonaws.com",
    noTls: true,
  });
}
