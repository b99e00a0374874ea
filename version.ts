/** podtrail's version, recorded in the lake manifest and in reports. */
export const VERSION = "0.1.0";
