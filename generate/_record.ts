/**
 * One CloudTrail record as a JSON string, with the fields in the order S3
 * delivery writes them. The parts that repeat across a session's calls
 * (`userIdentity`, `tlsDetails`) arrive pre-serialised, so a record is a
 * handful of string concatenations.
 *
 * @module
 */
import { isoSeconds } from "./_time.ts";

/** Everything that varies between records; JSON-valued fields are already serialised. */
export interface RecordSpec {
  /** Event time, ms since the epoch. */
  time: number;
  eventVersion: string;
  /** `userIdentity` as JSON. */
  identity: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  /** `requestParameters` as JSON (`"null"` when none). */
  requestParameters: string;
  /** `responseElements` as JSON (`"null"` when none). */
  responseElements: string;
  /** `additionalEventData` as JSON, when present. */
  additionalEventData?: string;
  /** Absent on `AwsServiceEvent` records. */
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  /** `resources` as JSON, when present. */
  resources?: string;
  eventType: "AwsApiCall" | "AwsServiceEvent" | "AwsConsoleSignIn";
  apiVersion?: string;
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string;
  vpcEndpointId?: string;
  vpcEndpointAccountId?: string;
  /** `serviceEventDetails` as JSON (service events). */
  serviceEventDetails?: string;
  eventCategory: "Management" | "Data";
  /** `tlsDetails` as JSON, when the call came over TLS from a client. */
  tlsDetails?: string;
  sessionCredentialFromConsole?: boolean;
}

/** Serialises a record; the output parses to the same object a real delivery would hold. */
export function serializeRecord(r: RecordSpec): string {
  let s = '{"eventVersion":"' + r.eventVersion + '","userIdentity":' + r.identity +
    ',"eventTime":"' + isoSeconds(r.time) + '","eventSource":"' + r.eventSource +
    '","eventName":"' + r.eventName + '","awsRegion":"' + r.awsRegion +
    '","sourceIPAddress":"' + r.sourceIPAddress + '","userAgent":' + JSON.stringify(r.userAgent);
  if (r.errorCode !== undefined) {
    s += ',"errorCode":"' + r.errorCode + '"';
    if (r.errorMessage !== undefined) s += ',"errorMessage":' + JSON.stringify(r.errorMessage);
  }
  s += ',"requestParameters":' + r.requestParameters + ',"responseElements":' + r.responseElements;
  if (r.additionalEventData !== undefined) s += ',"additionalEventData":' + r.additionalEventData;
  if (r.requestID !== undefined) s += ',"requestID":"' + r.requestID + '"';
  s += ',"eventID":"' + r.eventID + '","readOnly":' + r.readOnly;
  if (r.resources !== undefined) s += ',"resources":' + r.resources;
  s += ',"eventType":"' + r.eventType + '"';
  if (r.apiVersion !== undefined) s += ',"apiVersion":"' + r.apiVersion + '"';
  s += ',"managementEvent":' + r.managementEvent + ',"recipientAccountId":"' +
    r.recipientAccountId + '"';
  if (r.serviceEventDetails !== undefined) {
    s += ',"serviceEventDetails":' + r.serviceEventDetails;
  }
  if (r.sharedEventID !== undefined) s += ',"sharedEventID":"' + r.sharedEventID + '"';
  if (r.vpcEndpointId !== undefined) {
    s += ',"vpcEndpointId":"' + r.vpcEndpointId + '"';
    if (r.vpcEndpointAccountId !== undefined) {
      s += ',"vpcEndpointAccountId":"' + r.vpcEndpointAccountId + '"';
    }
  }
  s += ',"eventCategory":"' + r.eventCategory + '"';
  if (r.tlsDetails !== undefined) s += ',"tlsDetails":' + r.tlsDetails;
  if (r.sessionCredentialFromConsole) s += ',"sessionCredentialFromConsole":"true"';
  return s + "}";
}

/** `tlsDetails` JSON for a client's TLS profile and the host it asked for. */
export function tlsJson(tlsVersion: string, cipherSuite: string, host: string): string {
  return '{"tlsVersion":"' + tlsVersion + '","cipherSuite":"' + cipherSuite +
    '","clientProvidedHostHeader":"' + host + '"}';
}

/** The order of top-level fields in S3-delivered records (what {@linkcode serializeRecord} writes). */
export const CANONICAL_ORDER: readonly string[] = [
  "eventVersion",
  "userIdentity",
  "eventTime",
  "eventSource",
  "eventName",
  "awsRegion",
  "sourceIPAddress",
  "userAgent",
  "errorCode",
  "errorMessage",
  "requestParameters",
  "responseElements",
  "additionalEventData",
  "requestID",
  "eventID",
  "readOnly",
  "resources",
  "eventType",
  "apiVersion",
  "managementEvent",
  "recipientAccountId",
  "serviceEventDetails",
  "sharedEventID",
  "vpcEndpointId",
  "vpcEndpointAccountId",
  "eventCategory",
  "tlsDetails",
  "sessionCredentialFromConsole",
];
