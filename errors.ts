/**
 * podtrail's domain errors. Bad arguments are plain `TypeError`/`RangeError`;
 * unparsable input is a {@linkcode InputSyntaxError}; the few conditions that a
 * caller can act on have their own class with a `cause`.
 *
 * @module
 */

/** Unparsable input: carries the file and, where known, the position. */
export class InputSyntaxError extends SyntaxError {
  /** The file that could not be parsed. */
  readonly file: string;
  /** Byte offset, record ordinal or line where parsing failed, when known. */
  readonly position?: number;
  /** `file` is named in the message; `position` is where parsing stopped, when known. */
  constructor(file: string, message: string, options?: { position?: number; cause?: unknown }) {
    super(`Cannot parse "${file}": ${message}`, { cause: options?.cause });
    this.name = "InputSyntaxError";
    this.file = file;
    this.position = options?.position;
  }
}

/** Another process holds the lake's lock. */
export class LakeLockedError extends Error {
  /** The lake directory. */
  readonly lake: string;
  constructor(lake: string, holder: string, options?: { cause?: unknown }) {
    super(
      `Lake "${lake}" is locked by another ingest (${holder}); wait for it to finish, ` +
        `or remove "${lake}/_podtrail/lock" if that process is gone`,
      options,
    );
    this.name = "LakeLockedError";
    this.lake = lake;
  }
}

/** The lake directory is missing, unreadable or not a podtrail lake. */
export class LakeError extends Error {
  /** The lake directory. */
  readonly lake: string;
  constructor(lake: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LakeError";
    this.lake = lake;
  }
}

/** A SQL statement given by the user failed in DuckDB. */
export class QueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QueryError";
  }
}

/** An output file exists and `--force` was not given. */
export class OutputExistsError extends Error {
  /** The output path. */
  readonly path: string;
  constructor(path: string) {
    super(`Output "${path}" exists; pass --force to overwrite it`);
    this.name = "OutputExistsError";
    this.path = path;
  }
}
