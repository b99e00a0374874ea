/**
 * The lake's explicit schema: every documented top-level CloudTrail field as
 * a typed column. Heterogeneous objects stay JSON text; fields the schema does
 * not know are kept in `extra`.
 *
 * Reading is done in two steps: DuckDB's JSON reader reads each record with a
 * *lenient* type per field ({@linkcode READ_COLUMNS}: scalars as VARCHAR so a
 * number where a string belongs cannot abort the read), and {@linkcode typedSelect}
 * converts them to the lake types, sending records that cannot be typed to the
 * rejects area with a reason.
 *
 * @module
 */

/** DuckDB type of `userIdentity`, also its read type (strings read leniently). */
export const USER_IDENTITY_TYPE = `STRUCT(
  "type" VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, accessKeyId VARCHAR,
  userName VARCHAR, invokedBy VARCHAR, identityProvider VARCHAR, credentialId VARCHAR,
  onBehalfOf STRUCT(userId VARCHAR, identityStoreArn VARCHAR),
  inScopeOf STRUCT(issuerType VARCHAR, credentialsIssuedTo VARCHAR),
  sessionContext STRUCT(
    attributes STRUCT(creationDate VARCHAR, mfaAuthenticated VARCHAR),
    sessionIssuer STRUCT("type" VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, userName VARCHAR),
    webIdFederationData STRUCT(federatedProvider VARCHAR, attributes JSON),
    sourceIdentity VARCHAR, ec2RoleDelivery VARCHAR, ec2IssuedInVPC VARCHAR, assumedRoot VARCHAR
  )
)`.replace(/\s+/g, " ");

/** A record field: name in CloudTrail, DuckDB read type, and lake type. */
export interface Field {
  /** The CloudTrail field name (also the lake column name). */
  name: string;
  /** The type the JSON reader reads it as. */
  read: string;
  /** The lake column type. */
  lake: string;
}

const f = (name: string, read: string, lake = read): Field => ({ name, read, lake });

/** Every documented top-level CloudTrail record field, in CloudTrail's order. */
export const FIELDS: readonly Field[] = [
  f("eventVersion", "VARCHAR"),
  f("userIdentity", USER_IDENTITY_TYPE),
  f("eventTime", "VARCHAR", "TIMESTAMPTZ"),
  f("eventSource", "VARCHAR"),
  f("eventName", "VARCHAR"),
  f("awsRegion", "VARCHAR"),
  f("sourceIPAddress", "VARCHAR"),
  f("userAgent", "VARCHAR"),
  f("errorCode", "VARCHAR"),
  f("errorMessage", "VARCHAR"),
  f("requestParameters", "JSON"),
  f("responseElements", "JSON"),
  f("additionalEventData", "JSON"),
  f("requestID", "VARCHAR"),
  f("eventID", "VARCHAR"),
  f("readOnly", "VARCHAR", "BOOLEAN"),
  f("resources", "JSON"),
  f("eventType", "VARCHAR"),
  f("apiVersion", "VARCHAR"),
  f("managementEvent", "VARCHAR", "BOOLEAN"),
  f("recipientAccountId", "VARCHAR"),
  f("serviceEventDetails", "JSON"),
  f("sharedEventID", "VARCHAR"),
  f("vpcEndpointId", "VARCHAR"),
  f("vpcEndpointAccountId", "VARCHAR"),
  f("eventCategory", "VARCHAR"),
  f("addendum", "JSON"),
  f("sessionCredentialFromConsole", "VARCHAR"),
  f("edgeDeviceDetails", "JSON"),
  f("tlsDetails", "JSON"),
  f("insightDetails", "JSON"),
];

/** Field names, for membership tests. */
export const FIELD_NAMES: ReadonlySet<string> = new Set(FIELDS.map((x) => x.name));

/** The record as a DuckDB STRUCT type of read types (for `Records` arrays and `from_json`). */
export const RECORD_READ_TYPE = `STRUCT(${FIELDS.map((x) => `"${x.name}" ${x.read}`).join(", ")})`;

/** A DuckDB `columns=` struct literal for reading records directly. */
export function columnsLiteral(fields: readonly Field[] = FIELDS): string {
  return `{${fields.map((x) => `'${x.name}': '${x.read.replaceAll("'", "''")}'`).join(", ")}}`;
}

/** The partition of records that carry no eventTime (kept, never guessed). */
export const UNDATED = "undated";
